/** DM pairing codes: alphabet and length, uniqueness against pending codes, normalising what the owner typed. */
import { expect, test } from "bun:test";
import { generatePairingCode, isPairingCode, normalizePairingCode, PAIRING_CODE_ALPHABET, PairingCodeError } from "../../src/channels/pairing-codes.ts";

/** A random source that plays back `values` (indexes into the alphabet), then fails the test if asked for more. */
function sequence(values: number[]): (max: number) => number {
  let next = 0;
  return (max) => {
    expect(max).toBe(PAIRING_CODE_ALPHABET.length);
    if (next >= values.length) throw new Error("random source exhausted");
    return values[next++]!;
  };
}
const repeat = (index: number) => Array<number>(8).fill(index);

test("codes are 8 characters from the unambiguous alphabet, drawn with crypto.randomInt by default", () => {
  expect(PAIRING_CODE_ALPHABET).toBe("ABCDEFGHJKLMNPQRSTUVWXYZ23456789");
  expect(PAIRING_CODE_ALPHABET).not.toMatch(/[01OI]/);
  const seen = new Set<string>();
  for (let i = 0; i < 2000; i++) {
    const code = generatePairingCode({ taken: () => false });
    expect(code).toMatch(/^[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{8}$/);
    for (const char of code) seen.add(char);
  }
  // 16 000 draws: every character turns up (a biased or truncated alphabet would not).
  expect([...seen].sort().join("")).toBe([...PAIRING_CODE_ALPHABET].sort().join(""));
});

test("the random source picks each character", () => {
  expect(generatePairingCode({ taken: () => false, random: sequence([0, 1, 2, 3, 28, 29, 30, 31]) })).toBe("ABCD6789");
});

test("a code already pending is drawn again", () => {
  const taken = new Set(["AAAAAAAA"]);
  const code = generatePairingCode({ taken: (c) => taken.has(c), random: sequence([...repeat(0), ...repeat(1)]) });
  expect(code).toBe("BBBBBBBB");
});

test("a random source that only repeats taken codes ends in PairingCodeError, not a hang", () => {
  const error = (() => {
    try {
      generatePairingCode({ taken: () => true, random: () => 0 });
    } catch (caught) {
      return caught;
    }
  })();
  expect(error).toBeInstanceOf(PairingCodeError);
  expect((error as Error).name).toBe("PairingCodeError");
  expect((error as Error).message).toBe("no free pairing code after 100 attempts");
});

test("what the owner typed is normalised; only issuable codes pass the check", () => {
  expect(normalizePairingCode("  abcd6789 \n")).toBe("ABCD6789");
  expect(isPairingCode("ABCD6789")).toBe(true);
  for (const bad of ["ABCD678", "ABCD67890", "ABCD678O", "ABCD6781", "abcd6789", "ABCD 789", ""]) expect(isPairingCode(bad)).toBe(false);
});
