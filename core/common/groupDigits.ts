/**
 * An integer with commas between groups of three digits, as `n.toLocaleString('en-US')` writes
 * it, without loading the locale data (its first call costs tens of milliseconds, felt at a
 * CLI's start). Other numbers go to `toLocaleString`.
 */
export function groupDigits(n: number): string {
  if (!Number.isSafeInteger(n)) return n.toLocaleString('en-US');
  const digits = String(Math.abs(n));
  let out = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let i = out.length; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return n < 0 || Object.is(n, -0) ? `-${out}` : out;
}
