"""File uploads to `/graphql` (the GraphQL multipart request spec), parsed within limits.

Starlette's parser allows a thousand files of any size per request and caps only the text
fields. Here a request may carry one file more than a mutation accepts and keeps at most one
byte more of each file than an attachment may have: enough for the mutation to answer
TOO_MANY_FILES or FILE_TOO_LARGE as a user error, never more on disk. Anything past that is
refused with 413 while the body streams in; the body as a whole is capped by `BodyLimit`.
"""

from __future__ import annotations

from dataclasses import dataclass

from cross_web import FormData, StarletteRequestAdapter
from starlette.datastructures import FormData as StarletteFormData
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import Request

from ediary.config import Settings
from ediary.domain.uploads import MAX_FILES

# The spec's two text fields: `operations` and `map`.
MAX_FIELDS = 2
# Boundary and part headers, per part, beside its content.
PART_OVERHEAD = 1024
# Where the parsed form is kept, on the request's state, to be closed after the answer.
FORM_STATE = "upload_form"


class UploadRefused(MultiPartException):
    """A multipart body beyond the upload limits; the message says which."""


@dataclass(frozen=True)
class UploadLimits:
    """How much of a multipart request is parsed; see the module's description."""

    max_files: int
    kept_file_bytes: int
    field_bytes: int

    @classmethod
    def from_settings(cls, settings: Settings) -> UploadLimits:
        return cls(
            max_files=MAX_FILES + 1,
            kept_file_bytes=settings.max_attachment_bytes + 1,
            field_bytes=settings.max_body_bytes,
        )

    @property
    def body_bytes(self) -> int:
        """The largest multipart body: every file at the attachment limit, and the fields."""
        files = self.max_files * (self.kept_file_bytes + PART_OVERHEAD)
        return files + MAX_FIELDS * (self.field_bytes + PART_OVERHEAD)


class _LimitedParser(MultiPartParser):
    """Starlette's parser, counting files, fields and bytes of each part as they arrive."""

    def __init__(self, request: Request, limits: UploadLimits) -> None:
        # Starlette's own limits are set past ours, so that ours speak first.
        super().__init__(
            request.headers,
            request.stream(),
            max_files=limits.max_files + 1,
            max_fields=MAX_FIELDS + 1,
            max_part_size=limits.field_bytes + 1,
        )
        self.limits = limits
        self._files = 0
        self._fields = 0
        self._part_bytes = 0

    def on_part_begin(self) -> None:
        super().on_part_begin()
        self._part_bytes = 0

    def on_headers_finished(self) -> None:
        super().on_headers_finished()
        if self._current_part.file is not None:
            self._files += 1
            if self._files > self.limits.max_files:
                raise UploadRefused(f"At most {MAX_FILES} files may be uploaded at once.")
        else:
            self._fields += 1
            if self._fields > MAX_FIELDS:
                raise UploadRefused("An upload has only the fields `operations` and `map`.")

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        size = end - start
        if self._current_part.file is None:
            if self._part_bytes + size > self.limits.field_bytes:
                raise UploadRefused(
                    f"The operation of an upload may have at most {self.limits.field_bytes} bytes."
                )
        else:
            # Past one byte over the limit the mutation refuses the file anyway: the rest is
            # dropped, not written to disk.
            size = min(size, max(self.limits.kept_file_bytes - self._part_bytes, 0))
        self._part_bytes += end - start
        if size:
            super().on_part_data(data, start, start + size)


async def parse_upload(request: Request, limits: UploadLimits) -> StarletteFormData:
    """The request's form, parsed within the limits. The form is kept on the request's
    state so that `close_upload` closes its files, whatever happens to the request;
    raises UploadRefused beyond the limits, MultiPartException for a malformed body."""
    form = await _LimitedParser(request, limits).parse()
    setattr(request.state, FORM_STATE, form)
    return form


async def close_upload(request: Request) -> None:
    """Close the temporary files of the request's upload, if it had one."""
    form: StarletteFormData | None = getattr(request.state, FORM_STATE, None)
    if form is not None:
        await form.close()


class UploadRequestAdapter(StarletteRequestAdapter):
    """Strawberry's view of the request, reading uploads with `parse_upload`."""

    def __init__(self, request: Request, limits: UploadLimits) -> None:
        super().__init__(request)
        self.request = request
        self.limits = limits

    async def get_form_data(self) -> FormData:
        form = await parse_upload(self.request, self.limits)
        return FormData(files=form, form=form)
