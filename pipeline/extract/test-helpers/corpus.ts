// The bad-input corpus (fixtures/bad-input): its manifest, files and limits, and whether the
// OCR cases can run here. On CI (REQUIRE_SERVICES=1) tesseract must be installed; elsewhere a
// machine without it checks the needs_ocr path instead of OCR.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { DEFAULT_LIMITS, type ExtractLimits } from '../types.js';
import { ocrAvailable } from '../ocr.js';

export const CORPUS = fileURLToPath(new URL('../../../fixtures/bad-input/', import.meta.url));

export interface Expected {
  file: string;
  why?: string;
  status: 'ok' | 'unreadable' | 'unsupported' | 'needs_ocr';
  note: string;
  text?: string;
  ocr?: boolean;
  embedded?: Expected[];
}

export const manifest = JSON.parse(readFileSync(join(CORPUS, 'manifest.json'), 'utf8')) as { limits: Partial<ExtractLimits>; files: Expected[] };
export const corpusLimits: ExtractLimits = { ...DEFAULT_LIMITS, ...manifest.limits };
export const corpusFile = (name: string) => readFileSync(join(CORPUS, 'files', name));

/** Whether OCR runs here; fails when CI requires it and it is missing. */
export function ocrHere(): boolean {
  const ok = ocrAvailable();
  if (!ok && process.env.REQUIRE_SERVICES === '1') {
    throw new Error('tesseract with English is required (REQUIRE_SERVICES=1) but not installed: apt-get install tesseract-ocr tesseract-ocr-eng');
  }
  return ok;
}

/** What to expect of an OCR case on a machine without tesseract. */
export function expectedHere(e: Expected, ocr: boolean): Expected {
  return e.ocr && !ocr ? { ...e, status: 'needs_ocr', note: 'install tesseract', text: undefined } : e;
}
