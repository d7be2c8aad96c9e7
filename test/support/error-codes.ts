// Shared by the packages' tests: what a function threw, as the code a test asserts on.

type CodedErrorClass = abstract new (...args: never[]) => Error & { readonly code: string };

/**
 * `thrownCode` and `rejectedCode` for one error class: the code of the error `run` throws (or
 * rejects with), or a description of what happened instead, so that an assertion failure shows
 * an unexpected TypeError or no error at all in plain words.
 */
export function errorCodesOf(errorClass: CodedErrorClass): {
  thrownCode: (run: () => unknown) => string;
  rejectedCode: (run: () => Promise<unknown>) => Promise<string>;
} {
  const describe = (error: unknown) =>
    error instanceof errorClass ? error.code : `not a ${errorClass.name}: ${String(error)}`;
  return {
    thrownCode(run) {
      try {
        run();
      } catch (error) {
        return describe(error);
      }
      return 'no error';
    },
    async rejectedCode(run) {
      try {
        await run();
      } catch (error) {
        return describe(error);
      }
      return 'no error';
    },
  };
}
