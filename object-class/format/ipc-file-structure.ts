import type { Schema } from 'apache-arrow';
import { Footer, type FileBlock } from 'apache-arrow/ipc/metadata/file';
import { Message, type RecordBatch as RecordBatchHeader } from 'apache-arrow/ipc/metadata/message';
import { ObjectCorruptError } from './object-corrupt-error.js';
import { layoutSchema, type SchemaLayout } from './object-layout.js';

/** The 6-byte magic string that starts and ends every Arrow IPC file. */
export const ARROW_MAGIC = new TextEncoder().encode('ARROW1');

/** Bytes after the footer: its int32 length, then the magic string. */
export const FILE_TRAILER_BYTES = 4 + ARROW_MAGIC.length;

/** Start of the first message: the magic string padded to 8 bytes. */
const FIRST_MESSAGE_OFFSET = 8;

/** The continuation marker that opens an encapsulated message since Arrow 0.15. */
const CONTINUATION_MARKER = -1;

/** Position of the footer flatbuffer inside an IPC file. */
export interface FooterLocation {
  offset: number;
  length: number;
}

/** The decoded footer of an IPC file: its schema and record batch blocks. */
export interface FileFooter {
  schema: Schema;
  blocks: FileBlock[];
}

/** A decoded record batch message and the file offset of its body. */
export interface BatchHeader {
  header: RecordBatchHeader;
  bodyOffset: number;
}

/**
 * Finds the footer from the last bytes of an object. `tail` contains the object's bytes from
 * `tailOffset` to its end, and `size` is the object's size.
 */
export function locateFooter(
  key: string,
  tail: Uint8Array,
  tailOffset: number,
  size: number,
): FooterLocation {
  if (tail.length < FILE_TRAILER_BYTES || !endsWithMagic(tail)) {
    const found = JSON.stringify(new TextDecoder().decode(tail.subarray(-ARROW_MAGIC.length)));
    throw new ObjectCorruptError(
      'BAD_MAGIC',
      key,
      `the last bytes are ${found}, expected "ARROW1"; the object is truncated or not an Arrow IPC file`,
    );
  }

  const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  const length = view.getInt32(tail.length - FILE_TRAILER_BYTES, true);
  const offset = tailOffset + tail.length - FILE_TRAILER_BYTES - length;
  if (length <= 0 || offset < FIRST_MESSAGE_OFFSET || offset + length > size) {
    throw new ObjectCorruptError(
      'FOOTER_OUT_OF_RANGE',
      key,
      `the footer length ${length} does not fit in the object of ${size} bytes`,
    );
  }
  return { offset, length };
}

function endsWithMagic(bytes: Uint8Array): boolean {
  const start = bytes.length - ARROW_MAGIC.length;
  return ARROW_MAGIC.every((byte, i) => bytes[start + i] === byte);
}

/**
 * Decodes the footer flatbuffer and checks that every record batch block lies between the
 * leading magic and the footer.
 */
export function decodeFooter(key: string, bytes: Uint8Array, location: FooterLocation): FileFooter {
  let footer: Footer;
  try {
    footer = Footer.decode(bytes);
  } catch (error) {
    throw new ObjectCorruptError(
      'INVALID_METADATA',
      key,
      `the footer is not valid: ${String(error)}`,
    );
  }

  const blocks = [...footer.recordBatches()];
  for (const [index, block] of blocks.entries()) {
    const end = block.offset + block.metaDataLength + block.bodyLength;
    if (block.offset < FIRST_MESSAGE_OFFSET || block.metaDataLength <= 0 || end > location.offset) {
      throw new ObjectCorruptError(
        'INVALID_METADATA',
        key,
        `record batch ${index} spans bytes ${block.offset} to ${end}, outside the data section ` +
          `that ends at the footer at ${location.offset}`,
      );
    }
  }
  return { schema: footer.schema, blocks };
}

/**
 * Decodes the metadata of one record batch (the `metaDataLength` bytes at the block's offset)
 * and checks that its nodes and buffers match the schema layout and lie inside the body.
 */
export function decodeBatchHeader(
  key: string,
  bytes: Uint8Array,
  block: FileBlock,
  layout: SchemaLayout,
): BatchHeader {
  const header = decodeRecordBatchMessage(key, bytes, block);
  if (header.nodes.length !== layout.nodeCount || header.buffers.length !== layout.bufferCount) {
    throw new ObjectCorruptError(
      'INVALID_METADATA',
      key,
      `the record batch at offset ${block.offset} has ${header.nodes.length} field nodes and ` +
        `${header.buffers.length} buffers, but the schema needs ${layout.nodeCount} and ` +
        `${layout.bufferCount}`,
    );
  }

  for (const [index, region] of header.buffers.entries()) {
    if (
      region.offset < 0 ||
      region.length < 0 ||
      region.offset + region.length > block.bodyLength
    ) {
      throw new ObjectCorruptError(
        'INVALID_METADATA',
        key,
        `buffer ${index} of the record batch at offset ${block.offset} runs past its body of ` +
          `${block.bodyLength} bytes`,
      );
    }
  }
  return { header, bodyOffset: block.offset + block.metaDataLength };
}

function decodeRecordBatchMessage(
  key: string,
  bytes: Uint8Array,
  block: FileBlock,
): RecordBatchHeader {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const prefixBytes = view.getInt32(0, true) === CONTINUATION_MARKER ? 8 : 4;
  const length = view.getInt32(prefixBytes - 4, true);
  if (length <= 0 || prefixBytes + length > bytes.length) {
    throw new ObjectCorruptError(
      'INVALID_METADATA',
      key,
      `the message at offset ${block.offset} declares ${length} metadata bytes, but its block ` +
        `contains ${block.metaDataLength}`,
    );
  }

  let message: Message;
  try {
    message = Message.decode(bytes.subarray(prefixBytes, prefixBytes + length));
  } catch (error) {
    const reason = String(error);
    throw new ObjectCorruptError(
      'INVALID_METADATA',
      key,
      `the message at offset ${block.offset} is not valid: ${reason}`,
    );
  }
  if (!message.isRecordBatch()) {
    throw new ObjectCorruptError(
      'INVALID_METADATA',
      key,
      `the message at offset ${block.offset} is not a record batch`,
    );
  }
  return message.header();
}

/** A whole IPC file in memory with its decoded footer, layout and record batch headers. */
export interface ParsedIpcFile {
  bytes: Uint8Array;
  footerLocation: FooterLocation;
  footer: FileFooter;
  layout: SchemaLayout;
  batches: BatchHeader[];
}

/** Parses the structure of an IPC file held in memory, checking it as a ranged reader does. */
export function parseIpcFile(key: string, bytes: Uint8Array): ParsedIpcFile {
  const footerLocation = locateFooter(key, bytes, 0, bytes.length);
  const footerEnd = footerLocation.offset + footerLocation.length;
  const footer = decodeFooter(
    key,
    bytes.subarray(footerLocation.offset, footerEnd),
    footerLocation,
  );
  const layout = layoutSchema(footer.schema);

  const batches = footer.blocks.map((block) => {
    const metadata = bytes.subarray(block.offset, block.offset + block.metaDataLength);
    return decodeBatchHeader(key, metadata, block, layout);
  });
  return { bytes, footerLocation, footer, layout, batches };
}
