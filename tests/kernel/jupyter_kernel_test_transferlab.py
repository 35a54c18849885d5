"""jupyter_kernel_test (Debian's python3-jupyter-kernel-test) against the transferlab kernel.

Run by tests/kernel/peer.test.ts with JUPYTER_DATA_DIR pointing at a fresh install of the kernelspec and
the project root as the working directory (the samples import "@transferlab/kernel-ext").
"""
import unittest

import jupyter_kernel_test


class TransferlabKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "transferlab"
    language_name = "typescript"
    file_extension = ".ts"

    code_hello_world = 'console.log("hello, world")'
    code_stderr = 'console.error("a warning")'

    completion_samples = [
        {"text": "Math.ma", "matches": {"max"}},
        {"text": "const completeMe = 1;\ncompleteM", "matches": {"completeMe"}},
    ]

    complete_code_samples = ["1 + 1", "const x = 1;", "function f() {\n  return 1;\n}", "// only a comment"]
    incomplete_code_samples = ["function f() {", "1 +", "[1, 2,", "const s = `open template"]
    invalid_code_samples = ["1 +* 2", ")", "let = ;", "const s = 'unterminated"]

    code_page_something = "Math.max?"

    code_generate_error = 'throw new Error("boom")'

    code_execute_result = [
        {"code": "1 + 2", "result": "3"},
        {"code": '"a" + "b"', "result": "'ab'"},
        {"code": "[1, 2].map((x) => x * 2)", "result": "[ 2, 4 ]"},
    ]

    code_display_data = [
        {"code": 'import * as tslab from "tslab"; tslab.display.html("<b>tslab</b>")', "mime": "text/html"},
        {"code": 'import { markdown } from "@transferlab/kernel-ext"; markdown("**bold**")', "mime": "text/markdown"},
        {"code": 'import { show } from "@transferlab/kernel-ext"; show({ data: [{ y: [1, 2] }] })', "mime": "application/vnd.plotly.v1+json"},
    ]

    code_history_pattern = "1 + ?"
    supported_history_operations = ("tail", "range", "search")

    code_inspect_sample = "Math.max"

    code_clear_output = 'import { clearOutput } from "@transferlab/kernel-ext"; console.log("soon gone"); clearOutput()'


if __name__ == "__main__":
    unittest.main(verbosity=2)
