import type SqliteDatabase from 'better-sqlite3';

/**
 * Version 8: pictures and files. A message keeps its media records as JSON
 * (references, never bytes: the bytes are in the media cache folder), and
 * a conversation the media of its newest shown message, so the inbox can
 * say "📷 Photo" for a text with no words without reading the messages.
 * The search index takes a message's file names after its words (see
 * messageSearchText); the texts stored before this version have no media,
 * so their entries stay as they are.
 */
export function addMessageMedia(db: SqliteDatabase.Database): void {
  db.exec(`
    ALTER TABLE messages ADD COLUMN media TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE conversations ADD COLUMN last_media TEXT;
  `);
}

/**
 * Version 9: the account's media retention (days files are kept after
 * their text; NULL for good, which a profile stored before reads as until
 * the next account.updated).
 */
export function addMediaRetention(db: SqliteDatabase.Database): void {
  db.exec('ALTER TABLE account_profile ADD COLUMN media_retention_days INTEGER;');
}
