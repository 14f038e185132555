/** Merkle tree hashing of RFC 6962 (section 2.1): leaves hashed with a 0x00 prefix, nodes with 0x01. */
import { hash } from 'node:crypto';

/** SHA-256(0x00 ‖ data): the hash of one leaf. */
export function leafHash(data: Uint8Array | string): Buffer {
  return hash('sha256', typeof data === 'string' ? `\u0000${data}` : Buffer.concat([Buffer.of(0), data]), 'buffer');
}

/** SHA-256(0x01 ‖ left ‖ right): the hash of an inner node. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  const node = Buffer.allocUnsafe(1 + left.length + right.length);
  node[0] = 1;
  node.set(left, 1);
  node.set(right, 1 + left.length);
  return hash('sha256', node, 'buffer');
}

/**
 * The Merkle tree hash of a list of leaf hashes: MTH(D[n]) = SHA-256(0x01 ‖ MTH(D[0:k]) ‖
 * MTH(D[k:n])) with k the largest power of two below n; the empty tree hashes the empty string.
 */
export function merkleRoot(leafHashes: readonly Uint8Array[]): Buffer {
  if (leafHashes.length === 0) return hash('sha256', '', 'buffer');
  // Bottom-up, pairing left to right and carrying an odd node up unchanged, gives the same tree.
  // Each level is one buffer of 32-byte hashes, halved in place.
  const level = Buffer.allocUnsafe(32 * leafHashes.length);
  leafHashes.forEach((h, i) => level.set(h, 32 * i));
  const node = Buffer.allocUnsafe(65);
  node[0] = 1;
  for (let n = leafHashes.length; n > 1; n = Math.ceil(n / 2)) {
    for (let i = 0; i + 1 < n; i += 2) {
      level.copy(node, 1, 32 * i, 32 * i + 64);
      level.set(hash('sha256', node, 'buffer'), 16 * i);
    }
    if (n % 2 === 1) level.copy(level, 16 * (n - 1), 32 * (n - 1), 32 * n);
  }
  return Buffer.from(level.subarray(0, 32));
}
