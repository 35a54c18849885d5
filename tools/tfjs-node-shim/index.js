// danfojs-node requires "@tensorflow/tfjs-node" (3.x, native). The notebooks only use its DataFrame, which the
// pure-JS tfjs runs as well: hand it the workspace's own @tensorflow/tfjs (one tfjs-core in the process).
module.exports = require("@tensorflow/tfjs");
