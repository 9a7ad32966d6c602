/** Typed access to paired nodes and node pairing requests (`node.pair.*`). */
import type { Database } from "bun:sqlite";

/** What a node told us about itself; stored as JSON so new fields need no migration. */
export interface NodeDescription {
  displayName?: string;
  platform?: string;
  version?: string;
  coreVersion?: string;
  uiVersion?: string;
  deviceFamily?: string;
  modelIdentifier?: string;
  caps?: string[];
  commands?: string[];
  remoteIp?: string;
}

export interface PairedNode extends NodeDescription {
  nodeId: string;
  token: string;
  createdAtMs: number;
  approvedAtMs: number;
  lastConnectedAtMs?: number;
}

export interface NodePairingRequest extends NodeDescription {
  requestId: string;
  nodeId: string;
  isRepair: boolean;
  ts: number;
}

type Row = Record<string, string | number | null>;

function toNode(row: Row): PairedNode {
  return {
    ...(JSON.parse(row.info as string) as NodeDescription),
    nodeId: row.node_id as string,
    token: row.token as string,
    createdAtMs: row.created_at_ms as number,
    approvedAtMs: row.approved_at_ms as number,
    ...(row.last_connected_at_ms !== null ? { lastConnectedAtMs: row.last_connected_at_ms as number } : {}),
  };
}

function toRequest(row: Row): NodePairingRequest {
  return {
    ...(JSON.parse(row.info as string) as NodeDescription),
    requestId: row.request_id as string,
    nodeId: row.node_id as string,
    isRepair: row.is_repair === 1,
    ts: row.created_at_ms as number,
  };
}

export class NodeStore {
  constructor(private readonly db: Database) {}

  get(nodeId: string): PairedNode | null {
    const row = this.db.query<Row, [string]>("SELECT * FROM nodes WHERE node_id = ?").get(nodeId);
    return row ? toNode(row) : null;
  }

  list(): PairedNode[] {
    return this.db.query<Row, []>("SELECT * FROM nodes ORDER BY approved_at_ms").all().map(toNode);
  }

  save(node: PairedNode): void {
    const { nodeId, token, createdAtMs, approvedAtMs, lastConnectedAtMs, ...info } = node;
    this.db
      .query(
        `INSERT INTO nodes (node_id, token, info, created_at_ms, approved_at_ms, last_connected_at_ms) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(node_id) DO UPDATE SET token = excluded.token, info = excluded.info, approved_at_ms = excluded.approved_at_ms,
           last_connected_at_ms = excluded.last_connected_at_ms`,
      )
      .run(nodeId, token, JSON.stringify(info), createdAtMs, approvedAtMs, lastConnectedAtMs ?? null);
  }

  touch(nodeId: string, atMs: number): void {
    this.db.query("UPDATE nodes SET last_connected_at_ms = ? WHERE node_id = ?").run(atMs, nodeId);
  }

  addRequest(request: NodePairingRequest): void {
    const { requestId, nodeId, isRepair, ts, ...info } = request;
    this.db
      .query("INSERT INTO node_pairing_requests (request_id, node_id, info, is_repair, created_at_ms) VALUES (?, ?, ?, ?, ?)")
      .run(requestId, nodeId, JSON.stringify(info), isRepair ? 1 : 0, ts);
  }

  request(requestId: string): NodePairingRequest | null {
    const row = this.db.query<Row, [string]>("SELECT * FROM node_pairing_requests WHERE request_id = ?").get(requestId);
    return row ? toRequest(row) : null;
  }

  pendingFor(nodeId: string): NodePairingRequest | null {
    const row = this.db
      .query<Row, [string]>("SELECT * FROM node_pairing_requests WHERE node_id = ? ORDER BY created_at_ms DESC LIMIT 1")
      .get(nodeId);
    return row ? toRequest(row) : null;
  }

  /** Pending requests, newest first. */
  requests(): NodePairingRequest[] {
    return this.db.query<Row, []>("SELECT * FROM node_pairing_requests ORDER BY created_at_ms DESC").all().map(toRequest);
  }

  deleteRequest(requestId: string): void {
    this.db.query("DELETE FROM node_pairing_requests WHERE request_id = ?").run(requestId);
  }

  /** Removes requests older than `cutoffMs` and returns them (so their expiry can be announced). */
  expireRequests(cutoffMs: number): NodePairingRequest[] {
    const expired = this.db.query<Row, [number]>("SELECT * FROM node_pairing_requests WHERE created_at_ms < ?").all(cutoffMs).map(toRequest);
    if (expired.length > 0) this.db.query("DELETE FROM node_pairing_requests WHERE created_at_ms < ?").run(cutoffMs);
    return expired;
  }
}
