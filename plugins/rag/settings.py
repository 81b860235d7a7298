"""The documents plugin's settings, from which the app builds its settings page."""

from __future__ import annotations

from pydantic import BaseModel, Field

from assistant.core.secrets import SCOPE
from assistant.core.setting_fields import ENABLED_WHEN, PATH

ON_SERVER = {ENABLED_WHEN: {"embedding_base_url": True}}  # apply when a server is named


class RagSettings(BaseModel):
    """How documents are read, split, embedded, searched and answered from."""

    embedding_model: str = Field(
        "",
        title="Embedding model",
        description=(
            "Empty for the built-in all-MiniLM-L6-v2; otherwise a sentence-transformers model "
            "id or folder. Changing it re-indexes your documents."
        ),
        json_schema_extra={PATH: "folder", ENABLED_WHEN: {"embedding_base_url": False}},
    )
    embedding_base_url: str = Field(
        "",
        title="Embeddings server URL",
        description=(
            "Address of an OpenAI-compatible embeddings server (e.g. http://localhost:11434/v1); "
            "empty to embed on this computer."
        ),
    )
    embedding_model_name: str = Field(
        "",
        title="Server embedding model",
        description="The embedding model's name on that server, e.g. nomic-embed-text.",
        json_schema_extra=ON_SERVER,
    )
    embedding_api_key: str = Field(
        "",
        title="Embeddings API key",
        description="API key of the embeddings server, if it needs one (kept in the keyring).",
        json_schema_extra={**ON_SERVER, SCOPE: "embedding_base_url"},  # a key belongs to its server
    )
    chunk_size: int = Field(
        1000,
        title="Passage size (characters)",
        ge=100,
        le=8000,
        description="Characters per passage the documents are cut into.",
    )
    chunk_overlap: int = Field(
        150,
        title="Passage overlap (characters)",
        ge=0,
        le=2000,
        description="Characters shared by neighbouring passages.",
    )
    top_k: int = Field(
        5,
        title="Passages per question",
        ge=1,
        le=20,
        description="Passages retrieved to answer a question.",
    )
    min_similarity: float = Field(
        0.3,
        title="Least similarity",
        ge=0.0,
        le=1.0,
        description=(
            "Below this similarity of the best passage the answer is that the documents do not say."
        ),
    )
    quote_yes_no: bool = Field(
        True,
        title="Quote rules",
        description=(
            "A yes/no question is answered with the sentence of your documents that decides "
            "it, quoted, rather than by the language model: a small model can say the "
            "opposite of what its source says."
        ),
    )
    max_file_mb: int = Field(
        10,
        title="Largest file (MB)",
        ge=1,
        le=1000,
        description="Files larger than this many megabytes are not indexed.",
    )
    max_answer_tokens: int = Field(
        512,
        title="Longest answer (tokens)",
        ge=32,
        le=4096,
        description="Longest answer the language model may write.",
    )
