"""The one exception for a file that cannot be read as a table: it carries what to do, in both languages."""

from __future__ import annotations


class UnusableFile(Exception):
    """The file cannot be read as a table at all; the messages say why and what to send instead."""

    def __init__(self, message_en: str, message_id: str):
        super().__init__(message_en)
        self.message_en = message_en
        self.message_id = message_id

    def __reduce__(self):  # both messages survive pickling (Dagster passes errors between processes)
        return (type(self), (self.message_en, self.message_id))
