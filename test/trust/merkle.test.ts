import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { leafHash, merkleRoot, nodeHash } from '../../src/trust/merkle.js';

/** RFC 6962 section 2.1, literally: split at the largest power of two below n. */
function mth(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return createHash('sha256').digest();
  if (leaves.length === 1) return leafHash(leaves[0]!);
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

// The test leaves of the certificate-transparency reference implementation.
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((h) => Buffer.from(h, 'hex'));

describe('RFC 6962 Merkle tree hash', () => {
  it('hashes leaves with 0x00 and nodes with 0x01', () => {
    expect(leafHash(Buffer.alloc(0)).toString('hex')).toBe('6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d');
    expect(merkleRoot([]).toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('gives the reference root for the eight test leaves', () => {
    expect(merkleRoot(LEAVES.map((l) => leafHash(l))).toString('hex')).toBe('5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328');
  });

  it('equals the recursive definition for every size up to 70', () => {
    const leaves = Array.from({ length: 70 }, (_, i) => Buffer.from(`leaf ${i}`));
    for (let n = 0; n <= 70; n++) expect(merkleRoot(leaves.slice(0, n).map((l) => leafHash(l))).equals(mth(leaves.slice(0, n)))).toBe(true);
  });
});
