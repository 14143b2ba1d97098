-- The language a staff user chose for the portal's pages (issue #17): remembered per user.
ALTER TABLE app_user ADD COLUMN lang TEXT NOT NULL DEFAULT 'zh' CHECK (lang IN ('zh', 'en'));
