/**
 * nbformat 4 validation with ajv, against a schema written from the format's documentation
 * (nbformat.readthedocs.io, "The Notebook file format"). Errors name the cell and output, the way a user
 * counts them ("cell 3, output 1: …").
 */
import Ajv, { ErrorObject, ValidateFunction } from "ajv";

const multiline = { anyOf: [{ type: "string" }, { type: "array", items: { type: "string" } }] };
const mimeBundle = { type: "object", additionalProperties: true };

const output = {
  type: "object",
  required: ["output_type"],
  properties: { output_type: { enum: ["stream", "display_data", "execute_result", "error"] } },
  allOf: [
    { if: { properties: { output_type: { const: "stream" } } }, then: { required: ["name", "text"], properties: { name: { enum: ["stdout", "stderr"] }, text: multiline } } },
    { if: { properties: { output_type: { const: "display_data" } } }, then: { required: ["data", "metadata"], properties: { data: mimeBundle, metadata: { type: "object" } } } },
    { if: { properties: { output_type: { const: "execute_result" } } }, then: { required: ["data", "metadata", "execution_count"], properties: { data: mimeBundle, metadata: { type: "object" }, execution_count: { type: ["integer", "null"], minimum: 0 } } } },
    { if: { properties: { output_type: { const: "error" } } }, then: { required: ["ename", "evalue", "traceback"], properties: { ename: { type: "string" }, evalue: { type: "string" }, traceback: { type: "array", items: { type: "string" } } } } },
  ],
};

const cellBase = {
  id: { type: "string", pattern: "^[a-zA-Z0-9-_]+$", minLength: 1, maxLength: 64 },
  metadata: { type: "object" },
  source: multiline,
  attachments: { type: "object" },
};

const cell = {
  type: "object",
  required: ["cell_type", "metadata", "source"],
  properties: { cell_type: { enum: ["code", "markdown", "raw"] }, ...cellBase },
  allOf: [
    {
      if: { properties: { cell_type: { const: "code" } } },
      then: { required: ["outputs", "execution_count"], properties: { outputs: { type: "array", items: output }, execution_count: { type: ["integer", "null"], minimum: 0 } } },
    },
  ],
};

export const NOTEBOOK_SCHEMA = {
  type: "object",
  required: ["metadata", "nbformat", "nbformat_minor", "cells"],
  properties: {
    nbformat: { const: 4 },
    nbformat_minor: { type: "integer", minimum: 0 },
    metadata: {
      type: "object",
      properties: {
        kernelspec: { type: "object", required: ["name", "display_name"], properties: { name: { type: "string" }, display_name: { type: "string" } } },
        language_info: { type: "object", required: ["name"], properties: { name: { type: "string" } } },
      },
    },
    cells: { type: "array", items: cell },
  },
};

let validator: ValidateFunction | null = null;

function describePath(instancePath: string): string {
  const parts = instancePath.split("/").filter(Boolean);
  const words: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    if (parts[i] === "cells" && /^\d+$/.test(parts[i + 1] ?? "")) {
      words.push(`cell ${Number(parts[++i]) + 1}`);
    } else if (parts[i] === "outputs" && /^\d+$/.test(parts[i + 1] ?? "")) {
      words.push(`output ${Number(parts[++i]) + 1}`);
    } else {
      words.push(parts[i]);
    }
  }
  return words.join(", ") || "the notebook";
}

function describe(e: ErrorObject): string {
  if (e.keyword === "if") return "";
  const params = e.params as Record<string, unknown>;
  const extra = e.keyword === "enum" ? ` (${(params.allowedValues as unknown[]).join(", ")})` : e.keyword === "const" ? ` (${params.allowedValue})` : "";
  return `${describePath(e.instancePath)}: ${e.message}${extra}`;
}

/** Problems with `raw` as an nbformat 4 notebook, one line each; empty when it is valid. */
export function validateNotebook(raw: unknown): string[] {
  if (!validator) validator = new Ajv({ allErrors: true, strict: false }).compile(NOTEBOOK_SCHEMA);
  if (validator(raw)) return [];
  const lines = (validator.errors ?? []).map(describe).filter(Boolean);
  return Array.from(new Set(lines)).slice(0, 10);
}
