/**
 * This machine's client identity, in the reference's file format so an existing OpenClaw
 * state dir keeps working: `identity/device.json` (Ed25519 key pair, mode 0600) and
 * `identity/device-auth.json` (device tokens the gateway issued to us).
 */
import { chmod, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { generateDeviceKeyPair, keyPairFromPem, type DeviceKeyPair } from "../crypto/ed25519.ts";

interface DeviceFile {
  version: 1;
  deviceId: string;
  publicKeyPem: string;
  privateKeyPem: string;
  createdAtMs: number;
}

export interface StoredDeviceToken {
  token: string;
  role: string;
  scopes: string[];
  updatedAtMs: number;
}

interface DeviceAuthFile {
  version: 1;
  deviceId: string;
  tokens: Record<string, StoredDeviceToken>;
}

async function writePrivate(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, JSON.stringify(value, null, 2) + "\n", { mode: 0o600 });
  await chmod(temp, 0o600);
  await rename(temp, path);
}

async function readJson<T>(path: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as T;
  } catch {
    return null;
  }
}

export class DeviceIdentity {
  private constructor(
    readonly keys: DeviceKeyPair,
    private readonly authPath: string,
  ) {}

  /** Loads `<stateDir>/identity/device.json`, creating a new key pair when it is missing or unreadable. */
  static async load(stateDir: string): Promise<DeviceIdentity> {
    const devicePath = join(stateDir, "identity", "device.json");
    const authPath = join(stateDir, "identity", "device-auth.json");
    const stored = await readJson<DeviceFile>(devicePath);
    if (stored?.publicKeyPem && stored.privateKeyPem) {
      try {
        return new DeviceIdentity(keyPairFromPem(stored.publicKeyPem, stored.privateKeyPem), authPath);
      } catch {
        // unreadable key: fall through and replace it
      }
    }
    const keys = generateDeviceKeyPair();
    const file: DeviceFile = { version: 1, deviceId: keys.deviceId, publicKeyPem: keys.publicKeyPem, privateKeyPem: keys.privateKeyPem, createdAtMs: Date.now() };
    await writePrivate(devicePath, file);
    return new DeviceIdentity(keys, authPath);
  }

  async storedToken(role: string): Promise<StoredDeviceToken | null> {
    const file = await readJson<DeviceAuthFile>(this.authPath);
    return file?.deviceId === this.keys.deviceId ? (file.tokens[role] ?? null) : null;
  }

  async saveToken(token: StoredDeviceToken): Promise<void> {
    const file = await readJson<DeviceAuthFile>(this.authPath);
    const tokens = file?.deviceId === this.keys.deviceId ? file.tokens : {};
    if (tokens[token.role]?.token === token.token) return;
    await writePrivate(this.authPath, { version: 1, deviceId: this.keys.deviceId, tokens: { ...tokens, [token.role]: token } });
  }

  async forgetToken(role: string): Promise<void> {
    const file = await readJson<DeviceAuthFile>(this.authPath);
    if (!file || file.deviceId !== this.keys.deviceId || !file.tokens[role]) return;
    delete file.tokens[role];
    await writePrivate(this.authPath, file);
  }
}
