/** Grading exercise notebooks (nbgrader's format): assign, validate, autograde, override, feedback, export. */
export { computeChecksum, pythonFloat } from "./checksum";
export { assign, releaseEdition, checkSource } from "./assign";
export { restoreCells } from "./restore";
export type { Tampering, Restored } from "./restore";
export { scoreCells } from "./score";
export type { CellGrade } from "./score";
export { Gradebook } from "./gradebook";
export type { SubmissionRow, SubmissionStatus, GradeRow } from "./gradebook";
export { autograde } from "./autograde";
export type { AutogradeOptions, GradedSubmission } from "./autograde";
export { validate } from "./validate";
export { exportCsv, exportGradescope } from "./report";
export { feedback } from "./feedback";
export { gradeCommand, GRADE_USAGE } from "./cli";
