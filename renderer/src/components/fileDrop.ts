import { type DragEvent, useState } from 'react';

const carriesFiles = (event: DragEvent) => event.dataTransfer.types.includes('Files');

/**
 * Lets files be dropped onto an element: `dragging` while one is held over
 * it (to show that it will be taken), `onFiles` with every file dropped.
 * Anything else dragged over it is left alone.
 */
export function useFilesDrop(onFiles: ((files: File[]) => void) | undefined) {
  const [dragging, setDragging] = useState(false);
  if (onFiles === undefined) return { dragging: false, handlers: {} };
  return {
    dragging,
    handlers: {
      onDragEnter: (event: DragEvent) => {
        if (!carriesFiles(event)) return;
        event.preventDefault();
        setDragging(true);
      },
      onDragOver: (event: DragEvent) => {
        if (!carriesFiles(event)) return;
        // Without this the browser would open the file instead of dropping it here.
        event.preventDefault();
        event.dataTransfer.dropEffect = 'copy';
      },
      onDragLeave: (event: DragEvent) => {
        // Leaving for a child of the element is still over it.
        if (event.currentTarget.contains(event.relatedTarget as Node | null)) return;
        setDragging(false);
      },
      onDrop: (event: DragEvent) => {
        if (!carriesFiles(event)) return;
        event.preventDefault();
        setDragging(false);
        const files = Array.from(event.dataTransfer.files);
        if (files.length > 0) onFiles(files);
      },
    },
  };
}

/** The same for one file: `onFile` with the first file dropped. */
export function useFileDrop(onFile: ((file: File) => void) | undefined) {
  return useFilesDrop(
    onFile === undefined
      ? undefined
      : (files) => {
          const first = files[0];
          if (first !== undefined) onFile(first);
        },
  );
}
