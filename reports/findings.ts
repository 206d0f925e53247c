// findings.json: the product's API (contract in design.md). Forces in slug order; no
// timestamps or absolute paths, so the same input and rules give the same bytes.
import type { Findings, ForceAssessment } from '../pipeline/schemas.js';

export function buildFindings(forces: ForceAssessment[], reviewDate: string, rulesetVersion: string): Findings {
  return {
    schemaVersion: 1,
    reviewDate,
    rulesetVersion,
    forces: [...forces].sort((a, b) => a.force.localeCompare(b.force)),
  };
}

export function findingsJson(f: Findings): string {
  return `${JSON.stringify(f, null, 2)}\n`;
}
