import { AttachmentName, WIKI_MAX_ATTACHMENT_BYTES } from '@allmende/protocol';
import { useId, useState, type FormEvent } from 'react';
import { failureOf, type ApiFailure } from '../api/client.ts';
import { attachFile } from '../api/wiki.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { FailureNotice } from '../ui/feedback.tsx';
import { TextField } from '../ui/form.tsx';

/** A file's own name made into an attachment name: no path, no spaces, nothing unusual. */
export function attachmentName(fileName: string): string {
  return fileName
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 100);
}

export function AttachForm({ path, onDone }: { path: string; onDone: () => void }) {
  const { t } = useI18n();
  const w = t.wiki;
  const fileId = useId();
  const [file, setFile] = useState<File>();
  const [name, setName] = useState('');
  const [error, setError] = useState<string>();
  const [failure, setFailure] = useState<ApiFailure>();
  const [done, setDone] = useState<string>();
  const [sending, setSending] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (sending) return;
    setError(undefined);
    setFailure(undefined);
    setDone(undefined);
    if (!file) {
      setError(w.chooseFile);
      return;
    }
    if (file.size > WIKI_MAX_ATTACHMENT_BYTES) {
      setError(w.fileTooLarge);
      return;
    }
    const parsed = AttachmentName.safeParse(name);
    if (!parsed.success) {
      setError(w.fileNameHint);
      return;
    }
    setSending(true);
    try {
      const attachment = await attachFile(path, parsed.data, file);
      setDone(w.attached(attachment.name));
      setFile(undefined);
      setName('');
      onDone();
    } catch (caught) {
      setFailure(failureOf(caught));
    } finally {
      setSending(false);
    }
  }

  return (
    <form onSubmit={(event) => void submit(event)} noValidate className="attach-form">
      <h3>{w.attachHeading}</h3>
      <div className="field">
        <label htmlFor={fileId}>{w.file}</label>
        <input
          id={fileId}
          type="file"
          onChange={(event) => {
            const chosen = event.target.files?.[0];
            setFile(chosen);
            if (chosen) setName(attachmentName(chosen.name));
          }}
        />
      </div>
      <TextField
        label={w.fileName}
        hint={w.fileNameHint}
        error={error}
        value={name}
        onChange={setName}
        autoComplete="off"
        spellCheck={false}
      />
      {failure && <FailureNotice failure={failure} />}
      {done && (
        <p className="muted" role="status">
          {done}
        </p>
      )}
      <button type="submit" className="button" aria-disabled={sending}>
        {sending ? t.wiki.saving : w.attach}
      </button>
    </form>
  );
}
