from contracts.documents.diff import DiffOp, Op, diff_texts, side_by_side, stats, tokenize


def test_tokens_split_chinese_per_character_and_keep_latin_words():
    assert tokenize("甲方ABC公司 agrees, 2027年") == [
        "甲", "方", "ABC", "公", "司", " ", "agrees", ",", " ", "2027", "年",
    ]  # fmt: skip


def test_english_is_compared_word_by_word():
    ops = diff_texts("The buyer pays 100 yuan.", "The seller pays 200 yuan.")
    assert ops == [
        DiffOp(Op.EQUAL, "The "),
        DiffOp(Op.DELETE, "buyer"),
        DiffOp(Op.INSERT, "seller"),
        DiffOp(Op.EQUAL, " pays "),
        DiffOp(Op.DELETE, "100"),
        DiffOp(Op.INSERT, "200"),
        DiffOp(Op.EQUAL, " yuan."),
    ]


def test_chinese_is_compared_character_by_character():
    ops = diff_texts("甲方应支付货款。", "乙方应在十日内支付货款。")
    assert ops == [
        DiffOp(Op.DELETE, "甲"),
        DiffOp(Op.INSERT, "乙"),
        DiffOp(Op.EQUAL, "方应"),
        DiffOp(Op.INSERT, "在十日内"),
        DiffOp(Op.EQUAL, "支付货款。"),
    ]
    assert stats(ops).inserted == 5 and stats(ops).deleted == 1


def test_mixed_text_and_unchanged_paragraphs():
    old = "第一条 Scope\n第二条 价格 Price: 100\n第三条 End"
    new = "第一条 Scope\n第二条 价款 Price: 120\n第三条 End"
    ops = diff_texts(old, new)
    assert ops[0] == DiffOp(Op.EQUAL, "第一条 Scope\n第二条 价")
    assert DiffOp(Op.DELETE, "格") in ops and DiffOp(Op.INSERT, "款") in ops
    assert DiffOp(Op.DELETE, "100") in ops and DiffOp(Op.INSERT, "120") in ops
    left, right = side_by_side(ops)
    assert "".join(o.text for o in left) == old
    assert "".join(o.text for o in right) == new


def test_identical_texts_have_no_changes():
    assert diff_texts("same 相同", "same 相同") == [DiffOp(Op.EQUAL, "same 相同")]
