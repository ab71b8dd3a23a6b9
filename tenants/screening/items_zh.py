"""Item wording in simplified Chinese for the built-in instruments, shown on the entry page and the
student's one-time link page.

PHQ-9 and GAD-7: the PHQ family was released by Pfizer for use without copyright restriction or
charge (the notice is shown with the items). K6: public domain (Kessler et al., 2002). The wording
below follows the widely used Chinese versions; where unsure it is a close, faithful translation.
"""

PHQ9_STEM = "在过去两周里，你有多少时间受到以下问题的困扰？"
GAD7_STEM = PHQ9_STEM
K6_STEM = "在过去 30 天里，你有多少时间感到："

FOUR_POINT = ["完全不会", "好几天", "一半以上的天数", "几乎每天"]
K6_OPTIONS = ["从不", "很少", "有时", "大部分时间", "所有时间"]

ITEMS = {
    "phq9": [
        "做事时提不起劲或没有兴趣",
        "感到心情低落、沮丧或绝望",
        "入睡困难、睡不安稳或睡眠过多",
        "感觉疲倦或没有活力",
        "食欲不振或吃太多",
        "觉得自己很糟，或觉得自己很失败，或让自己或家人失望",
        "对事物专注有困难，例如看书或看电视时",
        "动作或说话速度缓慢到别人已经察觉？或正好相反：烦躁或坐立不安、动来动去的情况比平常更严重",
        "有不如死掉或用某种方式伤害自己的念头",
    ],
    "gad7": [
        "感觉紧张、焦虑或急切",
        "不能够停止或控制担忧",
        "对各种各样的事情担忧过多",
        "很难放松下来",
        "由于不安而无法静坐",
        "变得容易烦恼或急躁",
        "感到似乎将有可怕的事情发生而害怕",
    ],
    "k6": [
        "神经紧张",
        "感到绝望",
        "坐立不安或烦躁",
        "情绪低落，以至于什么事情都不能让你高兴起来",
        "做每件事都很费劲",
        "觉得自己毫无价值",
    ],
}

STEMS = {"phq9": PHQ9_STEM, "gad7": GAD7_STEM, "k6": K6_STEM}
OPTIONS = {"phq9": FOUR_POINT, "gad7": FOUR_POINT, "k6": K6_OPTIONS}


def items_for(instrument) -> list[dict]:
    """One dict per item: number (1-based), text, and the answer choices (value, label)."""
    texts = ITEMS.get(instrument.code) or _defined_texts(instrument)
    labels = OPTIONS.get(instrument.code)
    result = []
    for index in range(instrument.item_count):
        text = texts[index] if texts else f"第 {index + 1} 题"
        choices = []
        for value in range(instrument.item_min, instrument.item_max + 1):
            label = labels[value - instrument.item_min] if labels else str(value)
            choices.append((value, label))
        result.append({"index": index, "number": index + 1, "text": text, "choices": choices})
    return result


def _defined_texts(instrument) -> list[str] | None:
    """The wording a school wrote for its own instrument, when there is one line per item."""
    from tenants.screening.models import InstrumentDefinition

    texts = (
        InstrumentDefinition.objects.filter(code=instrument.code).values_list("item_texts", flat=True).first()
    )
    return texts if texts and len(texts) == instrument.item_count else None


def stem_for(instrument) -> str:
    return STEMS.get(instrument.code, "")
