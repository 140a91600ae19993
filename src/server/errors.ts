// Request handlers throw plain Errors from the core; vscode-jsonrpc would wrap their message in "Request X
// failed with message: …". The client shows the core's own sentence, so handlers rethrow it as is.
import { ErrorCodes, ResponseError } from 'vscode-languageserver/node';

export function plainErrors<P extends unknown[], R>(fn: (...args: P) => Promise<R> | R): (...args: P) => Promise<R> {
  return async (...args: P) => {
    try {
      return await fn(...args);
    } catch (e) {
      if (e instanceof ResponseError) throw e;
      throw new ResponseError(
        ErrorCodes.InternalError,
        e instanceof Error ? e.message : String(e),
        e instanceof Error && 'code' in e ? { code: (e as NodeJS.ErrnoException).code } : undefined,
      );
    }
  };
}
