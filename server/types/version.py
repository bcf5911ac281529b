"""The definitions version every answer is stamped with."""
from __future__ import annotations

import strawberry

from semantic.layer import VersionInfo


@strawberry.type(description="Version of the definitions: content hash of the YAML files, plus the git "
                             "commit (and whether the files differ from it) when the project is in git.")
class Version:
    content: str = strawberry.field(description="Hash of the definitions files' content.")
    git_commit: str | None = strawberry.field(description="HEAD commit of the project, if in git.")
    git_dirty: bool | None = strawberry.field(description="True when the files differ from that commit.")
    stamp: str = strawberry.field(description="The string every query result carries, e.g. "
                                              "`3f2a9c1d0b7e@5be1c0ffee12+dirty`.")

    @classmethod
    def from_domain(cls, version: VersionInfo) -> "Version":
        return cls(content=version.content, git_commit=version.git_commit, git_dirty=version.git_dirty,
                   stamp=str(version))
