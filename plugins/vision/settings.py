"""Settings of the vision plugin: which model does what, and how picky detection is."""

from __future__ import annotations

from pydantic import BaseModel, Field

from assistant.core.setting_fields import PATH

EMBEDDED_CLASSIFIER = "efficientnet-lite0"
TITLE = "Vision"  # the plugin's title, and so the title of its settings page


class VisionSettings(BaseModel):
    """Settings → Vision. Every model is a Hugging Face hub id or a local folder."""

    classifier_model: str = Field(
        EMBEDDED_CLASSIFIER,
        title="Classifier model",
        description=(
            "Image classifier: 'efficientnet-lite0' (or empty) uses the one built in, which "
            "works offline; or a hub id such as google/vit-base-patch16-224, or a folder."
        ),
        json_schema_extra={PATH: "folder"},
    )
    detector_model: str = Field(
        "facebook/detr-resnet-50",
        title="Detector model",
        description="Object detector (boxes around people, cars, animals…): hub id or folder.",
        json_schema_extra={PATH: "folder"},
    )
    caption_model: str = Field(
        "Salesforce/blip-image-captioning-base",
        title="Caption model",
        description="Writes a one-line caption of each photo: hub id or folder; empty = off.",
        json_schema_extra={PATH: "folder"},
    )
    vqa_model: str = Field(
        "dandelin/vilt-b32-finetuned-vqa",
        title="VQA model",
        description="Answers questions about a photo: hub id or folder; empty turns it off.",
        json_schema_extra={PATH: "folder"},
    )
    ask_chat_model: bool = Field(
        False,
        title="Ask the chat model",
        description=(
            "Send questions about a photo to the chat model instead: for an OpenAI-compatible "
            "server with a vision model (GPT-4o, LLaVA, Qwen-VL…). The VQA model answers when "
            "the chat model cannot."
        ),
    )
    score_threshold: float = Field(
        0.7,
        title="Detection certainty",
        ge=0.0,
        le=1.0,
        description="Only show detected objects at least this certain.",
    )
    max_boxes: int = Field(
        50, title="Most boxes", ge=1, le=500, description="Most objects to draw on one photo."
    )
    class_threshold: float = Field(
        0.3,
        title="Class certainty",
        ge=0.0,
        le=1.0,
        description="Classes less likely than this are listed as unsure guesses.",
    )
    top_classes: int = Field(
        5, title="Classes listed", ge=1, le=20, description="How many likely classes to list."
    )
