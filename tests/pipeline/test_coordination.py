from spacy_kogner.pipeline.coordination import conjunct_readings


def test_a_shared_head_is_restored_shortest_first():
    readings = conjunct_readings(["sagittal", "and", "left", "transverse", "sinus", "thrombosis"])
    assert readings[0] == [["sagittal"], ["left", "transverse", "sinus", "thrombosis"]]
    assert readings[1] == [["sagittal", "thrombosis"], ["left", "transverse", "sinus", "thrombosis"]]
    assert readings[2] == [["sagittal", "sinus", "thrombosis"], ["left", "transverse", "sinus", "thrombosis"]]
    assert len(readings) == 4


def test_lists_with_commas_and_a_shared_modifier():
    words = ["Myoclonic", ",", "atonic", ",", "and", "absence", "seizures"]
    assert [["Myoclonic", "seizures"], ["atonic", "seizures"], ["absence", "seizures"]] in conjunct_readings(words)
    assert [["hepatitis", "B"], ["hepatitis", "C"]] in conjunct_readings(["hepatitis", "B", "and", "C"])
    assert [["renal"], ["hepatic", "toxicity"]] in conjunct_readings(["renal", "and/or", "hepatic", "toxicity"])


def test_no_reading_without_a_conjunction_between_words():
    assert conjunct_readings(["ovarian", "cancer"]) == []
    assert conjunct_readings(["and", "cancer", ","]) == []
    assert conjunct_readings([]) == []
