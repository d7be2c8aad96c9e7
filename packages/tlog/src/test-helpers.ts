import { TlogError } from './errors.ts';
import { flipBit, hex, toHex, utf8 } from '../../../test/support/bytes.ts';
import { errorCodesOf } from '../../../test/support/error-codes.ts';

// Helpers for this package's tests.

export const { thrownCode, rejectedCode } = errorCodesOf(TlogError);
export { flipBit, hex, toHex, utf8 };
