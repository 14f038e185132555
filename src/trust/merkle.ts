/** Merkle tree hashing of RFC 6962 (section 2.1): leaves hashed with a 0x00 prefix, nodes with 0x01. */
import { createHash } from 'node:crypto';

/** SHA-256(0x00 ‖ data): the hash of one leaf. */
export function leafHash(data: Uint8Array | string): Buffer {
  return createHash('sha256').update(Buffer.of(0)).update(data).digest();
}

/** SHA-256(0x01 ‖ left ‖ right): the hash of an inner node. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256').update(Buffer.of(1)).update(left).update(right).digest();
}

/**
 * The Merkle tree hash of a list of leaf hashes: MTH(D[n]) = SHA-256(0x01 ‖ MTH(D[0:k]) ‖
 * MTH(D[k:n])) with k the largest power of two below n; the empty tree hashes the empty string.
 */
export function merkleRoot(leafHashes: readonly Uint8Array[]): Buffer {
  if (leafHashes.length === 0) return createHash('sha256').digest();
  // Bottom-up, pairing left to right and carrying an odd node up unchanged, gives the same tree.
  let level: Uint8Array[] = [...leafHashes];
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(nodeHash(level[i]!, level[i + 1]!));
    if (level.length % 2 === 1) next.push(level[level.length - 1]!);
    level = next;
  }
  return Buffer.from(level[0]!);
}
