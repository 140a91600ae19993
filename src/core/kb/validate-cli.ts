// Entry point the build runs (esbuild.mjs) to validate kb/*.yaml before bundling.
import { RAW_KB } from './index';
import { validateKb } from './validate';

export async function check(): Promise<string | null> {
  try {
    validateKb(RAW_KB);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}
