import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { checkedKey } from './keys';
import type { BlobStore } from './types';

export interface S3StoreOptions {
  readonly bucket: string;
  /** Put before every key (S3_PREFIX), as it is: "textdesk/" gives "textdesk/<sha256>". */
  readonly prefix?: string;
  /** S3_REGION; "auto" for Cloudflare R2. */
  readonly region: string;
  /** S3_ENDPOINT: for services other than AWS (R2, MinIO…). */
  readonly endpoint?: string | undefined;
  /** Bucket names in the path rather than the host name (MinIO and most self-hosted stores). */
  readonly forcePathStyle?: boolean;
  /** Unset: the AWS default chain (environment, profile, instance role). */
  readonly credentials?:
    { readonly accessKeyId: string; readonly secretAccessKey: string } | undefined;
}

/** Part size of a multipart upload: S3's minimum, so little is held in memory at once. */
const PART_BYTES = 5 * 1024 * 1024;
/** Parts uploaded at a time: at most PART_BYTES × this is in memory per file. */
const PARTS_AT_ONCE = 2;

/**
 * A "no such object" answer: NoSuchKey from GetObject, NotFound (no body) from
 * HeadObject. A missing bucket (a wrong S3_BUCKET) is an error, not a missing file,
 * wherever the answer says so (HeadObject's bodiless 404 cannot).
 */
function isMissing(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, $metadata } = error as {
    name?: unknown;
    $metadata?: { httpStatusCode?: unknown };
  };
  if (name === 'NoSuchBucket') return false;
  return name === 'NoSuchKey' || name === 'NotFound' || $metadata?.httpStatusCode === 404;
}

/** The client options for a store: checksums only where required when not on AWS itself. */
export function s3ClientConfig(options: S3StoreOptions): S3ClientConfig {
  return {
    region: options.region,
    ...(options.credentials === undefined ? {} : { credentials: { ...options.credentials } }),
    ...(options.endpoint === undefined
      ? {}
      : {
          endpoint: options.endpoint,
          // Since 2025 the SDK sends CRC32 checksums (and aws-chunked bodies) by default;
          // many S3-compatible stores refuse them or keep the chunk framing in the object.
          requestChecksumCalculation: 'WHEN_REQUIRED' as const,
          responseChecksumValidation: 'WHEN_REQUIRED' as const,
        }),
    forcePathStyle: options.forcePathStyle ?? false,
  };
}

/**
 * The media store in an S3-compatible bucket (AWS S3, Cloudflare R2,
 * MinIO): one object per key, under the prefix. Files are streamed from
 * disk (a multipart upload for large ones) and read back as streams; an
 * object already there is never written again, its key being its hash.
 */
export class S3BlobStore implements BlobStore {
  readonly kind = 's3';
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;

  constructor(options: S3StoreOptions) {
    this.client = new S3Client(s3ClientConfig(options));
    this.bucket = options.bucket;
    this.prefix = options.prefix ?? '';
  }

  private objectKey(key: string): string {
    return `${this.prefix}${checkedKey(key)}`;
  }

  async putFile(key: string, path: string, type: string): Promise<void> {
    const objectKey = this.objectKey(key);
    if (await this.has(key)) return;
    const upload = new Upload({
      client: this.client,
      params: {
        Bucket: this.bucket,
        Key: objectKey,
        Body: createReadStream(path),
        ContentType: type,
      },
      partSize: PART_BYTES,
      queueSize: PARTS_AT_ONCE,
    });
    await upload.done();
  }

  async get(key: string): Promise<{ body: Readable; size: number } | null> {
    const objectKey = this.objectKey(key);
    try {
      const found = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: objectKey }),
      );
      const body = found.Body;
      if (!(body instanceof Readable)) {
        throw new Error(`The bucket answered ${objectKey} without a readable body.`);
      }
      if (found.ContentLength === undefined) {
        body.destroy();
        throw new Error(`The bucket answered ${objectKey} without its size.`);
      }
      return { body, size: found.ContentLength };
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async has(key: string): Promise<boolean> {
    const objectKey = this.objectKey(key);
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: objectKey }));
      return true;
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    const objectKey = this.objectKey(key);
    try {
      // S3 answers 204 for a missing key; some compatibles answer 404.
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: objectKey }));
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
  }

  /** Closes the client's connections (on shutdown, in tests). */
  destroy(): void {
    this.client.destroy();
  }
}
