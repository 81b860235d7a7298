"""Questions and documents in Chinese: routed to the documents, cut at sentence ends."""

from __future__ import annotations

from assistant.core.intents import LayeredIntentClassifier
from assistant.core.models import ModelRegistry
from assistant.core.router import Router
from plugins.rag import RagPlugin
from plugins.rag.ingest import Section, split_sections
from tests.core.test_router import MANIFESTS as ROUTER_MANIFESTS


def _router() -> Router:
    manifests = [*[m for m in ROUTER_MANIFESTS if m.name != "rag"], RagPlugin.manifest]
    classifier = LayeredIntentClassifier(RagPlugin().intent_classifier(ModelRegistry()))
    return Router(lambda: manifests, classifier=classifier)


def test_a_chinese_question_about_my_documents_goes_to_them() -> None:
    router = _router()
    for question in (
        "根据我上传的文档，退货政策是什么？",
        "我上传的文件里关于保修期是怎么说的？",
        "合同里的违约金是多少？",
    ):
        assert router.route(question).plugin == "rag", question
    assert router.route("给我讲个笑话吧").plugin != "rag"


def test_chinese_text_is_cut_at_the_end_of_a_sentence() -> None:
    sentences = [
        f"第{i}条：顾客在收货后七天内可以申请无理由退货，商品须保持完好。" for i in range(40)
    ]
    text = (
        "".join(sentences) + "如有疑问，请联系客服！退款将在三个工作日内原路退回；运费由买家承担？"
    )
    chunks = split_sections([Section(text, None, 0)], chunk_size=200, chunk_overlap=40)
    assert len(chunks) > 5
    for chunk in chunks:
        assert chunk.text[-1] in "。！？；", chunk.text[-12:]  # a whole sentence, not cut mid-word
        assert text[chunk.position : chunk.position + len(chunk.text)] == chunk.text
