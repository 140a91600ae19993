// A document URI's local path, for the analyses that read the disk (ini rules checking a directory, file-name
// dialects). A file: URI the platform cannot turn into a path (bad percent-encoding, an encoded /, a remote host)
// is analysed like an untitled document: without a path, not without diagnostics.
import { fileURLToPath } from 'node:url';

export function localPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

/** `{ path }` for analyzeText when the URI has a local path, else `{}`. */
export function pathOption(uri: string): { path?: string } {
  const path = localPath(uri);
  return path !== undefined ? { path } : {};
}
