/** Saves data as a file through a temporary link: the browser's downloads, no server involved. */
export function downloadFile(
  data: string | Uint8Array<ArrayBuffer> | Blob,
  name: string,
  type: string,
): void {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** A file the model's Worker hands over (model.json, weights.bin), saved under its own name. */
export function downloadNamedFiles(
  files: readonly { name: string; data: string | Uint8Array<ArrayBuffer> }[],
): void {
  for (const file of files) {
    downloadFile(
      file.data,
      file.name,
      typeof file.data === "string" ? "application/json" : "application/octet-stream",
    );
  }
}
