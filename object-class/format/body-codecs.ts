import { CompressionType, compressionRegistry } from 'apache-arrow';
import * as lz4 from 'lz4js';
import * as zstd from '@bokuweb/zstd-wasm';
import { ObjectCorruptError } from './object-corrupt-error.js';

/**
 * A synchronous codec for Arrow IPC body buffers, the shape apache-arrow's registry expects.
 * `decode` takes the uncompressed length where the caller knows it, as a bound for the output.
 */
export interface BodyCodec {
  encode(bytes: Uint8Array): Uint8Array;
  decode(bytes: Uint8Array, uncompressedLength?: number): Uint8Array;
}

/** Zstandard level for written objects: the zstd command-line default. */
const ZSTD_LEVEL = 3;

/** Output size the zstd decoder reserves for a frame that does not record its content size. */
const ZSTD_DEFAULT_OUTPUT_BYTES = 1024 * 1024;

// The zstd codec is WebAssembly and must be instantiated before its synchronous calls work.
await zstd.init();

const LZ4_FRAME_CODEC: BodyCodec = {
  encode: (bytes) => lz4.compress(bytes),
  // Given a maximum size, lz4js drops output past it without an error, so it sizes the output
  // from the frame instead and decodeBodyBuffer compares the result with the length prefix.
  decode: (bytes) => lz4.decompress(bytes),
};

const ZSTD_CODEC: BodyCodec = {
  encode: (bytes) => zstd.compress(bytes, ZSTD_LEVEL),
  decode: (bytes, uncompressedLength) =>
    zstd.decompress(bytes, { defaultHeapSize: uncompressedLength ?? ZSTD_DEFAULT_OUTPUT_BYTES }),
};

/** Returns the codec of an IPC body compression type: LZ4_FRAME or ZSTD. */
export function bodyCodecFor(type: CompressionType): BodyCodec {
  return type === CompressionType.ZSTD ? ZSTD_CODEC : LZ4_FRAME_CODEC;
}

/**
 * Registers the LZ4_FRAME and ZSTD codecs in apache-arrow's compression registry, so that
 * `tableFromIPC` and the other apache-arrow readers decode compressed objects.
 */
export function registerArrowCodecs(): void {
  compressionRegistry.set(CompressionType.LZ4_FRAME, LZ4_FRAME_CODEC);
  compressionRegistry.set(CompressionType.ZSTD, ZSTD_CODEC);
}

/** Bytes of the int64 uncompressed-length prefix of each compressed body buffer. */
export const LENGTH_PREFIX_BYTES = 8;

/**
 * Decodes one stored body buffer of a compressed record batch: an int64 uncompressed length
 * (-1 when the buffer was stored uncompressed) followed by the codec's frame. Returns 8-byte
 * aligned bytes.
 */
export function decodeBodyBuffer(
  key: string,
  stored: Uint8Array,
  type: CompressionType,
): Uint8Array {
  if (stored.length === 0) return stored;
  if (stored.length < LENGTH_PREFIX_BYTES) {
    const reason = `a compressed buffer of ${stored.length} bytes is shorter than its length prefix`;
    throw new ObjectCorruptError('DECOMPRESSION_FAILED', key, reason);
  }

  const view = new DataView(stored.buffer, stored.byteOffset, stored.byteLength);
  const uncompressedLength = Number(view.getBigInt64(0, true));
  const frame = stored.subarray(LENGTH_PREFIX_BYTES);
  if (uncompressedLength === -1) return alignBytes(frame);

  let decoded: Uint8Array;
  try {
    decoded = bodyCodecFor(type).decode(frame, uncompressedLength);
  } catch (error) {
    const reason = `a ${CompressionType[type]} buffer failed to decode: ${String(error)}`;
    throw new ObjectCorruptError('DECOMPRESSION_FAILED', key, reason);
  }
  if (decoded.length !== uncompressedLength) {
    const reason =
      `a ${CompressionType[type]} buffer decoded to ${decoded.length} bytes, but its prefix ` +
      `declares ${uncompressedLength}`;
    throw new ObjectCorruptError('DECOMPRESSION_FAILED', key, reason);
  }
  return alignBytes(decoded);
}

/** Returns the bytes at an 8-byte aligned address, copying them when they are not. */
export function alignBytes(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
}
