/**
 * The audit trail. Every agent keeps a hash chain over what it sent and received: entry i has a
 * leaf hash SHA-256(0x00 ‖ canonical entry) and the chain value SHA-256(chain[i-1] ‖ leaf[i])
 * (32 zero bytes before the first). A run reports each chain's head and one Merkle root (RFC
 * 6962) over every leaf, agents in identifier order and each agent's entries in order. Altering,
 * removing or reordering an entry changes its chain from there on, and the root.
 */
import { hash } from 'node:crypto';
import { merkleRoot } from './merkle.js';

/** One audit entry: what an agent sent or received, when, and a digest of the message as signed. */
export interface AuditEntry {
  readonly agent: string;
  readonly seq: number;
  readonly dir: 'sent' | 'received';
  readonly vt_us: number;
  readonly message_id: string;
  /** sha256 of the RFC 8785 JSON of the message without its signature */
  readonly digest: string;
  readonly signature?: string;
}

/** A line of a written audit log: the entry, its chain value and the message itself. */
export interface AuditLine extends AuditEntry {
  readonly chain: string;
  readonly message: unknown;
}

export const ZERO_HEAD = Buffer.alloc(32);

/** sha256 hex of a canonical payload. */
export function digestOf(canonicalPayload: string): string {
  return hash('sha256', canonicalPayload, 'hex');
}

/**
 * RFC 8785 JSON of an entry, written directly (keys in sorted order; tests hold it to the
 * general canonicaliser): entries are hashed twice per message, so this path is hot.
 */
export function entryJson(e: AuditEntry): string {
  const signature = e.signature === undefined ? '' : `,"signature":${JSON.stringify(e.signature)}`;
  return `{"agent":${JSON.stringify(e.agent)},"digest":${JSON.stringify(e.digest)},"dir":"${e.dir}","message_id":${JSON.stringify(e.message_id)},"seq":${e.seq}${signature},"vt_us":${e.vt_us}}`;
}

/** The leaf hash of an entry: SHA-256(0x00 ‖ its canonical JSON). */
export function entryLeaf(entry: AuditEntry): Buffer {
  return hash('sha256', `\u0000${entryJson(entry)}`, 'buffer');
}

/** The chain value after `previous` and an entry with leaf hash `leaf`: SHA-256(previous ‖ leaf). */
export function chainNext(previous: Uint8Array, leaf: Uint8Array): Buffer {
  const both = Buffer.allocUnsafe(64);
  both.set(previous, 0);
  both.set(leaf, 32);
  return hash('sha256', both, 'buffer');
}

/** One agent's chain: its head and every leaf hash (kept for the run's Merkle root). */
export class AuditChain {
  head: Buffer = ZERO_HEAD;
  count = 0;
  private leaves = Buffer.alloc(32 * 64);

  constructor(readonly agent: string) {}

  /** Appends an entry; returns its chain value. */
  append(entry: AuditEntry): Buffer {
    const leaf = entryLeaf(entry);
    this.head = chainNext(this.head, leaf);
    if ((this.count + 1) * 32 > this.leaves.length) {
      const bigger = Buffer.alloc(this.leaves.length * 2);
      this.leaves.copy(bigger);
      this.leaves = bigger;
    }
    leaf.copy(this.leaves, this.count * 32);
    this.count++;
    return this.head;
  }

  leafBytes(): Uint8Array {
    return this.leaves.subarray(0, this.count * 32);
  }
}

/** Chains as plain data, to cross a thread boundary. */
export interface AuditChainData {
  readonly agent: string;
  readonly count: number;
  readonly head: string;
  readonly leaves: Uint8Array;
}

export interface AuditSummary {
  readonly entries: number;
  readonly merkle_root: string;
  readonly chains: { readonly agent: string; readonly entries: number; readonly head: string }[];
}

/** All chains of a shard (or, merged, of a run). */
export class AuditLedger {
  private readonly chains = new Map<string, AuditChain | AuditChainData>();

  chain(agent: string): AuditChain {
    let c = this.chains.get(agent);
    if (!(c instanceof AuditChain)) {
      c = new AuditChain(agent);
      this.chains.set(agent, c);
    }
    return c;
  }

  toData(): AuditChainData[] {
    return [...this.chains.values()].filter((c) => c.count > 0).map((c) => (c instanceof AuditChain ? { agent: c.agent, count: c.count, head: c.head.toString('hex'), leaves: new Uint8Array(c.leafBytes()) } : c));
  }

  merge(data: readonly AuditChainData[]): void {
    for (const c of data) this.chains.set(c.agent, c);
  }

  summary(): AuditSummary {
    const chains = this.toData().sort((a, b) => (a.agent < b.agent ? -1 : a.agent > b.agent ? 1 : 0));
    return summarise(chains);
  }
}

/** Chain heads and the Merkle root over the leaves of chains given in order. */
export function summarise(chains: readonly AuditChainData[]): AuditSummary {
  const leaves: Uint8Array[] = [];
  for (const c of chains) for (let i = 0; i < c.count; i++) leaves.push(c.leaves.subarray(i * 32, i * 32 + 32));
  return {
    entries: leaves.length,
    merkle_root: merkleRoot(leaves).toString('hex'),
    chains: chains.map((c) => ({ agent: c.agent, entries: c.count, head: c.head })),
  };
}
