import { useCallback, useEffect, useRef, useState } from 'react';
import type { StagedMedia } from '../../../../shared/ipc/media';
import { textdesk } from '../../api';
import { attachName, bytesToBase64 } from '../../media/base64';
import { checkAttach } from '../../media/limits';

/** A file in the composer's strip: being read and staged, or staged in main. */
export type Attachment =
  | {
      readonly key: string;
      readonly state: 'staging';
      readonly filename: string;
      readonly size: number;
    }
  | { readonly key: string; readonly state: 'staged'; readonly staged: StagedMedia };

let counter = 0;

async function stage(file: File): Promise<{ staged: StagedMedia } | { error: string }> {
  const filename = attachName(file.name, file.type);
  let data: string;
  try {
    data = bytesToBase64(new Uint8Array(await file.arrayBuffer()));
  } catch {
    return { error: `“${filename}” could not be read.` };
  }
  const result = await textdesk().media.stage({
    filename,
    type: file.type.slice(0, 200),
    data,
  });
  return result.ok
    ? { staged: result.value }
    : { error: `“${filename}” was not attached: ${result.error.message}` };
}

/**
 * The composer's attached files: each picked, pasted or dropped file is
 * checked (25 MB, 10 a text), read and staged in main, which keeps it until
 * the text is sent; × unstages it. Files still staged when the composer
 * goes (another conversation opened) are unstaged.
 */
export function useAttachments() {
  const [items, setItems] = useState<readonly Attachment[]>([]);
  const [errors, setErrors] = useState<readonly string[]>([]);
  const current = useRef<readonly Attachment[]>([]);
  const alive = useRef(true);

  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
      for (const item of current.current) {
        if (item.state === 'staged') void textdesk().media.unstage({ id: item.staged.id });
      }
      current.current = [];
    };
  }, []);

  const add = useCallback((files: readonly File[]) => {
    const { accepted, refused } = checkAttach(
      current.current.length,
      files.map((file) => ({ name: attachName(file.name, file.type), size: file.size, file })),
    );
    setErrors(refused);
    const picked = accepted.map((entry) => {
      counter += 1;
      return { key: `attachment-${String(counter)}`, entry };
    });
    const pending: Attachment[] = picked.map(({ key, entry }) => ({
      key,
      state: 'staging',
      filename: entry.name,
      size: entry.size,
    }));
    current.current = [...current.current, ...pending];
    setItems(current.current);
    for (const { key, entry } of picked) {
      void stage(entry.file).then((outcome) => {
        if (!alive.current) {
          if ('staged' in outcome) void textdesk().media.unstage({ id: outcome.staged.id });
          return;
        }
        const still = current.current.some((item) => item.key === key);
        if ('error' in outcome) {
          setErrors((before) => [...before, outcome.error]);
        } else if (!still) {
          // Removed while it was being staged.
          void textdesk().media.unstage({ id: outcome.staged.id });
          return;
        }
        current.current = current.current.flatMap((item): Attachment[] => {
          if (item.key !== key) return [item];
          return 'staged' in outcome ? [{ key, state: 'staged', staged: outcome.staged }] : [];
        });
        setItems(current.current);
      });
    }
  }, []);

  const remove = useCallback((key: string) => {
    const item = current.current.find((candidate) => candidate.key === key);
    if (item?.state === 'staged') void textdesk().media.unstage({ id: item.staged.id });
    current.current = current.current.filter((candidate) => candidate.key !== key);
    setItems(current.current);
    setErrors([]);
  }, []);

  /** After a send: main took the staged files with the text, so nothing is unstaged. */
  const sent = useCallback(() => {
    current.current = [];
    setItems([]);
    setErrors([]);
  }, []);

  const staged = items.flatMap((item) => (item.state === 'staged' ? [item.staged] : []));
  return {
    items,
    staged,
    staging: items.some((item) => item.state === 'staging'),
    errors,
    add,
    remove,
    sent,
  };
}
