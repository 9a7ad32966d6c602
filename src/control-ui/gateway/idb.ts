/**
 * A tiny key-value store on IndexedDB. IndexedDB (unlike localStorage) can hold a CryptoKey
 * object, so the device's private key is stored without ever being exported.
 */
const DB_NAME = "openclaw-control-ui";
const STORE = "kv";

let opening: Promise<IDBDatabase> | null = null;

function open(): Promise<IDBDatabase> {
  opening ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => {
      opening = null;
      reject(request.error ?? new Error("IndexedDB could not be opened"));
    };
  });
  return opening;
}

async function run<T>(mode: IDBTransactionMode, act: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  return new Promise((resolve, reject) => {
    const request = act(db.transaction(STORE, mode).objectStore(STORE));
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error("IndexedDB request failed"));
  });
}

export const idbGet = <T>(key: string): Promise<T | undefined> => run("readonly", (store) => store.get(key) as IDBRequest<T | undefined>);
export const idbSet = (key: string, value: unknown): Promise<unknown> => run("readwrite", (store) => store.put(value, key));
export const idbDelete = (key: string): Promise<unknown> => run("readwrite", (store) => store.delete(key));
