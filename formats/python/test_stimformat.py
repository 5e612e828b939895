"""Tests of the Python reference implementation of the stim wire formats against formats/README.md.

Files with a defect are assembled here byte by byte (frame, container below restate the README's layout), so the
reader is checked against the spec rather than against its own writer."""

import json
import os
import shutil
import struct
import subprocess
import sys

import numpy as np
import pytest

import stimformat as sf
from stimformat import StimFormatError, common_pb2, model_pb2, stimuli_pb2

HERE = os.path.dirname(os.path.abspath(__file__))
FORMATS = os.path.dirname(HERE)
SCRIPT = os.path.join(HERE, "stimformat.py")

SAMPLE_TYPES = [common_pb2.SampleEncoding.FLOAT32, common_pb2.SampleEncoding.INT16, common_pb2.SampleEncoding.INT8]
LABEL_TYPES = [stimuli_pb2.LabelEncoding.FLOAT32, stimuli_pb2.LabelEncoding.UINT16, stimuli_pb2.LabelEncoding.UINT8]


# --- The README's byte layout, restated for building files by hand ---------------------------------------------

def frame(frame_type, payload, crc=None):
    return struct.pack("<BI", frame_type, len(payload)) + payload + struct.pack("<I", sf.crc32c(payload) if crc is None else crc)


def container(frames, magic=b"\x89STIMD\r\n", major=1, minor=0, last=None):
    body = magic + struct.pack("<HH", major, minor)
    offsets = []
    for f in frames:
        offsets.append(len(body))
        body += f
    return body + struct.pack("<Q", offsets[-1] if last is None else last) + b"STIMEND\n"


def header(channels=2, window=3, classes=2, sample_type=common_pb2.SampleEncoding.INT16,
           label_type=stimuli_pb2.LabelEncoding.FLOAT32, max_chunk=4):
    h = stimuli_pb2.DatasetHeader(task="apnea", max_chunk_stimuli=max_chunk)
    h.class_names.extend(["normal", "apnea", "c2", "c3"][:classes])
    h.input.channels = channels
    h.input.samples_per_window = window
    for c in range(channels):
        h.input.channel.add(name=f"ch{c}", unit="mV", sampling_rate_hz=window / 60)
    h.sample_encoding.type = sample_type
    if sample_type != common_pb2.SampleEncoding.FLOAT32:
        h.sample_encoding.scale.extend([0.5 * (c + 1) for c in range(channels)])
        h.sample_encoding.zero_point.extend([c - 1 for c in range(channels)])
    h.label_encoding.type = label_type
    return h


def chunk(first, samples, labels, targets=()):
    return stimuli_pb2.StimulusChunk(first_index=first, count=len(samples), samples=np.asarray(samples).tobytes(),
                                     labels=np.asarray(labels).tobytes(), target_class=list(targets))


def dataset_bytes(h, chunks, edit_footer=None, extra_frames=None):
    """A dataset with a footer that matches its chunks unless edit_footer(footer) changes it; extra_frames maps a
    chunk position to a frame inserted before it."""
    header_payload = h.SerializeToString()
    frames = [frame(1, header_payload)]
    footer = stimuli_pb2.DatasetFooter(header_crc32c=sf.crc32c(header_payload))
    offset = 12 + len(frames[0])
    classes = len(h.class_names)
    counts = [0] * classes
    for i, c in enumerate(chunks):
        if extra_frames and i in extra_frames:
            frames.append(extra_frames[i])
            offset += len(extra_frames[i])
        payload = c.SerializeToString()
        frames.append(frame(2, payload))
        footer.chunk.add(offset=offset, length=len(payload), count=c.count, crc32c=sf.crc32c(payload),
                         first_index=c.first_index)
        offset += 9 + len(payload)
        labels = np.frombuffer(c.labels, dtype=sf.LABEL_DTYPES[h.label_encoding.type]).reshape(-1, classes)
        for row in labels:
            counts[int(np.argmax(row))] += 1
    footer.stimulus_count = sum(c.count for c in chunks)
    footer.class_count.extend(counts)
    if edit_footer:
        edit_footer(footer)
    frames.append(frame(3, footer.SerializeToString()))
    return container(frames)


def frame_spans(data):
    """(offset, total size) of each frame, walked with the README's layout."""
    spans, offset, end = [], 12, len(data) - 16
    while offset < end:
        (length,) = struct.unpack_from("<I", data, offset + 1)
        spans.append((offset, 9 + length))
        offset += 9 + length
    assert offset == end
    return spans


def small_file():
    """Two chunks of int16 samples with float32 labels and target classes: 3 stimuli, 2 channels x 3."""
    samples = np.arange(18, dtype="<i2").reshape(3, 2, 3) - 9
    labels = np.array([[0.25, 0.75], [1.0, 0.0], [0.5, 0.5]], dtype="<f4")
    return dataset_bytes(header(max_chunk=2), [chunk(0, samples[:2], labels[:2], [1, 0]),
                                               chunk(2, samples[2:], labels[2:], [1])])


def reject(data, offset, *words, reader=sf.decode_dataset):
    with pytest.raises(StimFormatError) as caught:
        reader(data, "test.stim")
    error = caught.value
    assert error.offset == offset, str(error)
    assert error.path == "test.stim"
    for word in words:
        assert word in error.problem, str(error)
    assert str(error).startswith(f"test.stim: offset {offset}: ")
    return error


# --- CRC-32C ----------------------------------------------------------------------------------------------------

def test_crc32c_check_value_from_the_readme():
    assert sf.crc32c(b"123456789") == 0xE3069283


def test_crc32c_rfc3720_vectors_and_continuation():
    # RFC 3720 (iSCSI) appendix B.4.
    assert sf.crc32c(bytes(32)) == 0x8A9136AA
    assert sf.crc32c(b"\xff" * 32) == 0x62A8AB43
    assert sf.crc32c(bytes(range(32))) == 0x46DD794E
    assert sf.crc32c(bytes(range(31, -1, -1))) == 0x113FDB5C
    assert sf.crc32c(b"6789", sf.crc32c(b"12345")) == 0xE3069283


# --- Round trips ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("sample_type", SAMPLE_TYPES)
@pytest.mark.parametrize("label_type", LABEL_TYPES)
@pytest.mark.parametrize("with_targets", [True, False])
def test_round_trip_every_encoding(sample_type, label_type, with_targets):
    rng = np.random.default_rng(sample_type * 10 + label_type)
    h = sf.sample_header(rng, 3, 2, 5, sample_type, label_type, max_chunk=4)
    samples, labels, targets = sf.sample_arrays(rng, 10, 3, 2, 5, sample_type, label_type)
    data, written = sf.encode_dataset(h, samples, labels, targets if with_targets else None)
    back = sf.decode_dataset(data)
    assert back.header == h
    assert back.footer == written.footer
    assert back.samples.dtype == sf.SAMPLE_DTYPES[sample_type]
    assert back.labels.dtype == sf.LABEL_DTYPES[label_type]
    np.testing.assert_array_equal(back.samples, samples)
    np.testing.assert_array_equal(back.labels, labels)
    np.testing.assert_array_equal(back.target_class, targets if with_targets else [])
    assert [e.count for e in back.footer.chunk] == [4, 4, 2]
    assert [e.first_index for e in back.footer.chunk] == [0, 4, 8]
    assert list(back.footer.class_count) == [int(np.sum(np.argmax(labels, axis=1) == k)) for k in range(3)]
    assert back.to_json() == written.to_json()


def test_real_values_follow_scale_and_zero_point():
    h = header()  # scales 0.5, 1.0; zero points -1, 0
    samples = np.array([[[3, -1, 0], [2, 4, -8]]], dtype="<i2")
    back = sf.decode_dataset(dataset_bytes(h, [chunk(0, samples, np.array([[0.5, 0.5]], "<f4"))]))
    np.testing.assert_array_equal(back.real_samples(), [[[2.0, 0.0, 0.5], [2.0, 4.0, -8.0]]])
    h.label_encoding.type = stimuli_pb2.LabelEncoding.UINT8
    back = sf.decode_dataset(dataset_bytes(h, [chunk(0, samples, np.array([[51, 204]], "u1"))]))
    np.testing.assert_array_equal(back.probabilities(), [[0.2, 0.8]])


def test_empty_dataset_round_trips():
    data, _ = sf.encode_dataset(header(), np.zeros((0, 2, 3), "<i2"), np.zeros((0, 2), "<f4"))
    back = sf.decode_dataset(data)
    assert back.samples.shape == (0, 2, 3) and back.labels.shape == (0, 2)
    assert back.footer.stimulus_count == 0 and list(back.footer.class_count) == [0, 0]
    assert len(data) == 12 + 9 + len(header().SerializeToString()) + 9 + len(back.footer.SerializeToString()) + 16


def test_writer_refuses_what_readers_reject():
    h = header(sample_type=common_pb2.SampleEncoding.FLOAT32)
    good = np.zeros((1, 2, 3), "<f4")
    with pytest.raises(ValueError, match="non-finite sample"):
        sf.encode_dataset(h, np.full((1, 2, 3), np.nan, "<f4"), np.array([[0.5, 0.5]], "<f4"))
    with pytest.raises(ValueError, match="sum to"):
        sf.encode_dataset(h, good, np.array([[0.5, 0.6]], "<f4"))
    with pytest.raises(ValueError, match="shape"):
        sf.encode_dataset(h, np.zeros((1, 3, 2), "<f4"), np.array([[0.5, 0.5]], "<f4"))
    with pytest.raises(ValueError, match="outside"):
        sf.encode_dataset(header(), np.full((1, 2, 3), 40000), np.array([[0.5, 0.5]], "<f4"))
    with pytest.raises(ValueError, match="target_class"):
        sf.encode_dataset(h, good, np.array([[0.5, 0.5]], "<f4"), [2])
    with pytest.raises(ValueError, match="class_names"):
        sf.encode_dataset(header(classes=1), good, np.ones((1, 1), "<f4"))


def test_extension_frames_are_skipped_and_minor_versions_accepted():
    h = header(max_chunk=1)
    samples = np.ones((2, 2, 3), "<i2")
    labels = np.array([[0.5, 0.5], [0.0, 1.0]], "<f4")
    data = dataset_bytes(h, [chunk(0, samples[:1], labels[:1]), chunk(1, samples[1:], labels[1:])],
                         extra_frames={1: frame(200, b"anything at all")})
    data = data[:10] + struct.pack("<H", 7) + data[12:]
    back = sf.decode_dataset(data)
    np.testing.assert_array_equal(back.labels, labels)


def test_model_round_trip():
    model = model_pb2.Model(task="apnea", class_names=["normal", "apnea"], producer="test")
    layer = model.net.layer.add(name="fc")
    layer.dense.weight.dtype = model_pb2.Tensor.FLOAT32
    layer.dense.weight.shape.extend([2, 3])
    layer.dense.weight.data = np.arange(6, dtype="<f4").tobytes()
    data = sf.encode_model(model)
    assert data[:12] == b"\x89STIMM\r\n\x01\x00\x00\x00"
    assert struct.unpack_from("<Q", data, len(data) - 16)[0] == 12
    assert sf.decode_model(data) == model
    svm = model_pb2.Model(task="apnea", class_names=["a", "b"])
    svm.svm.kernel.type = model_pb2.Kernel.RBF
    svm.svm.bias.extend([0.25])
    assert sf.decode_model(sf.encode_model(svm)) == svm


# --- Bad input --------------------------------------------------------------------------------------------------

def test_wrong_magic():
    data = small_file()
    reject(b"\x89STIMX\r\n" + data[8:], 0, "magic")
    reject(b"\x89STIMM\r\n" + data[8:], 0, "magic")  # a model is not a dataset
    reject(data.replace(b"\r\n", b"\n", 1), 0, "magic")  # a text-mode transfer
    reject(data, 0, "magic", reader=sf.decode_model)


def test_unknown_major():
    data = small_file()
    reject(data[:8] + struct.pack("<H", 2) + data[10:], 8, "major version 2")
    reject(data[:8] + struct.pack("<H", 0) + data[10:], 8, "major version 0")


def test_truncation_at_every_offset():
    data = small_file()
    spans = frame_spans(data)
    assert len(spans) == 4
    for size in range(len(data)):
        if size < 12:
            expected = 0
        else:
            # The trailer is read as the last 16 bytes: the first frame that does not end before them is wrong.
            expected = next(offset for offset, total in spans if offset + total > size - 16)
        reject(data[:size], expected)


def test_every_flipped_byte_is_caught_at_its_frame():
    data = small_file()
    spans = frame_spans(data)
    for position in range(len(data)):
        if position in (10, 11):
            continue  # the minor version: any is accepted
        flipped = bytearray(data)
        flipped[position] ^= 0x40
        with pytest.raises(StimFormatError) as caught:
            sf.decode_dataset(bytes(flipped), "test.stim")
        for offset, total in spans:
            if offset + 5 <= position < offset + total:  # payload or CRC
                assert caught.value.offset == offset and "CRC" in caught.value.problem, str(caught.value)
        if position < 8:
            assert caught.value.offset == 0
        if position >= len(data) - 8:
            assert caught.value.offset == len(data) - 8 and "end magic" in caught.value.problem
        elif position >= len(data) - 16:
            assert caught.value.offset == len(data) - 16 and "last_frame_offset" in caught.value.problem


def test_length_beyond_the_file_and_over_the_limit():
    data = small_file()
    offset = frame_spans(data)[1][0]
    for length, words in [(len(data), ["beyond the end"]), (0xFFFFFFFF, ["exceeds", "67108864"]),
                          ((64 << 20) + 1, ["exceeds"])]:
        reject(data[:offset + 1] + struct.pack("<I", length) + data[offset + 5:], offset, *words)
    reject(data[:13] + struct.pack("<I", (1 << 20) + 1) + data[17:], 12, "header", "exceeds")


def test_nan_and_infinite_values():
    h = header(sample_type=common_pb2.SampleEncoding.FLOAT32, max_chunk=2)
    good = np.zeros((2, 2, 3), "<f4")
    labels = np.array([[0.5, 0.5], [0.5, 0.5]], "<f4")
    bad = good.copy()
    bad[1, 1, 2] = np.nan
    data = dataset_bytes(h, [chunk(0, good, labels), chunk(2, bad, labels)])
    reject(data, frame_spans(data)[2][0], "stimulus 3", "non-finite sample")
    bad[1, 1, 2] = -np.inf
    data = dataset_bytes(h, [chunk(0, bad, labels)])
    reject(data, frame_spans(data)[1][0], "stimulus 1", "non-finite sample")
    data = dataset_bytes(h, [chunk(0, good, np.array([[0.5, 0.5], [np.nan, 1.0]], "<f4"))])
    reject(data, frame_spans(data)[1][0], "stimulus 1", "non-finite label")


@pytest.mark.parametrize("label_type, rows, accepted", [
    (stimuli_pb2.LabelEncoding.FLOAT32, [[0.5, 0.5009]], True),
    (stimuli_pb2.LabelEncoding.FLOAT32, [[0.5, 0.5011]], False),
    (stimuli_pb2.LabelEncoding.FLOAT32, [[0.6, 0.6]], False),
    (stimuli_pb2.LabelEncoding.FLOAT32, [[1.5, -0.5]], False),  # sums to 1 but outside [0, 1]
    (stimuli_pb2.LabelEncoding.FLOAT32, [[1.0005, 0.0]], False),  # sums to 1 within 1e-3 but above 1
    # Quantized: tolerance classes x 0.5 / qmax + 1e-6.
    (stimuli_pb2.LabelEncoding.UINT16, [[32768, 32768]], True),  # 1 + 1/65535
    (stimuli_pb2.LabelEncoding.UINT16, [[32768, 32769]], False),  # 1 + 2/65535
    (stimuli_pb2.LabelEncoding.UINT16, [[32767, 32767]], True),
    (stimuli_pb2.LabelEncoding.UINT16, [[32766, 32767]], False),
    (stimuli_pb2.LabelEncoding.UINT8, [[128, 128]], True),
    (stimuli_pb2.LabelEncoding.UINT8, [[128, 129]], False),
    (stimuli_pb2.LabelEncoding.UINT8, [[0, 0]], False),
])
def test_labels_must_sum_to_one(label_type, rows, accepted):
    labels = np.array(rows, dtype=sf.LABEL_DTYPES[label_type])
    data = dataset_bytes(header(label_type=label_type), [chunk(0, np.zeros((1, 2, 3), "<i2"), labels)])
    if accepted:
        np.testing.assert_array_equal(sf.decode_dataset(data).labels, labels)
    else:
        reject(data, frame_spans(data)[1][0], "stimulus 0")


@pytest.mark.parametrize("field, value, words", [
    ("offset", 99, ["chunk entry 1 has offset 99"]),
    ("length", 1, ["length 1"]),
    ("count", 5, ["count 5"]),
    ("crc32c", 1234, ["crc32c 1234"]),
    ("first_index", 0, ["first_index 0"]),
])
def test_footer_chunk_entry_mismatch(field, value, words):
    def edit(footer):
        setattr(footer.chunk[1], field, value)
    data = small_file()
    bad = dataset_bytes(header(max_chunk=2), _chunks_of(data), edit)
    reject(bad, frame_spans(bad)[3][0], "footer", *words)


def _chunks_of(data):
    spans = frame_spans(data)[1:-1]
    return [stimuli_pb2.StimulusChunk.FromString(data[o + 5:o + t - 4]) for o, t in spans]


@pytest.mark.parametrize("edit, words", [
    (lambda f: setattr(f, "stimulus_count", 4), ["stimulus_count is 4"]),
    (lambda f: f.chunk.pop(), ["1 chunk entries for 2 chunk frames"]),
    (lambda f: f.chunk.add(), ["3 chunk entries"]),
    (lambda f: f.class_count.append(0), ["3 entries for 2 classes"]),
    (lambda f: f.class_count.__setitem__(0, 5), ["sums to"]),
    (lambda f: setattr(f, "header_crc32c", f.header_crc32c ^ 1), ["header_crc32c"]),
])
def test_footer_totals_mismatch(edit, words):
    bad = dataset_bytes(header(max_chunk=2), _chunks_of(small_file()), edit)
    reject(bad, frame_spans(bad)[3][0], "footer", *words)


@pytest.mark.parametrize("first, samples, labels, targets, words", [
    (1, 1, 1, (), ["first_index is 1, but 0 stimuli"]),
    (0, 0, 0, (), ["count is 0"]),
    (0, 5, 5, (), ["count is 5"]),
    (0, 1, 2, (), ["samples are 12 bytes, expected 24"]),
    (0, 2, 1, (), ["labels are 8 bytes, expected 16"]),
    (0, 2, 2, (1,), ["target_class has 1 entries"]),
    (0, 2, 2, (0, 2), ["stimulus 1's target_class 2"]),
])
def test_chunk_checks(first, samples, labels, targets, words):
    c = stimuli_pb2.StimulusChunk(first_index=first, count=max(samples, labels),
                                  samples=np.zeros((samples, 2, 3), "<i2").tobytes(),
                                  labels=np.full((labels, 2), 0.5, "<f4").tobytes(), target_class=list(targets))
    bad = container([frame(1, header().SerializeToString()), frame(2, c.SerializeToString()),
                     frame(3, b"")])
    reject(bad, frame_spans(bad)[1][0], "chunk 0", *words)


@pytest.mark.parametrize("edit, words", [
    (lambda h: setattr(h.input, "channels", 0), ["channels is 0"]),
    (lambda h: setattr(h.input, "channels", 3), ["3 but there are 2"]),
    (lambda h: setattr(h.input, "samples_per_window", 0), ["samples_per_window is 0"]),
    (lambda h: setattr(h.input.channel[1], "sampling_rate_hz", float("nan")), ["sampling rate nan"]),
    (lambda h: setattr(h.input.channel[0], "sampling_rate_hz", 0.0), ["sampling rate 0.0"]),
    (lambda h: setattr(h.input.channel[0], "sampling_rate_hz", float("inf")), ["sampling rate inf"]),
    (lambda h: h.class_names.pop(), ["at least 2"]),
    (lambda h: h.sample_encoding.scale.pop(), ["1 scales for 2 channels"]),
    (lambda h: h.sample_encoding.zero_point.append(0), ["3 zero points"]),
    (lambda h: h.sample_encoding.scale.__setitem__(1, 0.0), ["scale[1] is 0.0"]),
    (lambda h: h.sample_encoding.scale.__setitem__(0, float("inf")), ["scale[0] is inf"]),
    (lambda h: setattr(h, "max_chunk_stimuli", 0), ["max_chunk_stimuli is 0"]),
    (lambda h: setattr(h, "max_chunk_stimuli", (1 << 20) + 1), ["exceeds"]),
    (lambda h: setattr(h.input, "samples_per_window", (1 << 23) + 1), ["exceeds"]),
    (lambda h: setattr(h.sample_encoding, "type", 9), ["unknown sample encoding 9"]),
    (lambda h: setattr(h.label_encoding, "type", 4), ["unknown label encoding 4"]),
])
def test_header_checks(edit, words):
    h = header()
    edit(h)
    bad = container([frame(1, h.SerializeToString()), frame(3, b"")])
    reject(bad, 12, "header", *words)


def test_frame_order_and_types():
    h = frame(1, header().SerializeToString())
    labels = np.array([[0.5, 0.5]], "<f4").tobytes()
    c = frame(2, stimuli_pb2.StimulusChunk(count=1, samples=bytes(12), labels=labels).SerializeToString())
    reject(container([c, h, frame(3, b"")]), 12, "first frame has type 2")
    reject(container([frame(200, b""), h, frame(3, b"")]), 12, "first frame has type 200")
    reject(container([h, h]), 12 + len(h), "second header")
    reject(container([h, frame(5, b"")]), 12 + len(h), "unknown frame type 5")
    reject(container([h, frame(16, b"")]), 12 + len(h), "unknown frame type 16")
    reject(container([h]), 12 + len(h), "no footer")
    reject(container([h, frame(2, b"\xff\xff")]), 12 + len(h), "does not decode")
    good = small_file()
    reject(good[:-16] + frame(200, b"") + good[-16:], len(good) - 16, "after the footer")


def test_trailer_checks():
    data = small_file()
    footer_offset = frame_spans(data)[-1][0]
    reject(data[:-16] + struct.pack("<Q", footer_offset - 1) + data[-8:], len(data) - 16, "last_frame_offset")
    reject(data[:-8] + b"STIMEND\r", len(data) - 8, "end magic")
    reject(data + b"\x00", len(data) - 16)  # nothing may follow the trailer
    reject(data + data[-16:], len(data) - 16)


def test_model_file_checks():
    payload = model_pb2.Model(task="apnea").SerializeToString()
    magic = b"\x89STIMM\r\n"
    good = container([frame(16, payload)], magic=magic)
    assert sf.decode_model(good).task == "apnea"
    reject(good[:-1], 12, reader=sf.decode_model)
    reject(container([frame(16, payload), frame(16, payload)], magic=magic), 12 + 9 + len(payload),
           "after the model", reader=sf.decode_model)
    reject(container([frame(1, payload)], magic=magic), 12, "unknown frame type 1", reader=sf.decode_model)
    reject(container([frame(16, payload, crc=0)], magic=magic), 12, "CRC", reader=sf.decode_model)
    only_extension = container([frame(200, b"x")], magic=magic)
    reject(only_extension, len(only_extension) - 16, "no model", reader=sf.decode_model)


# --- The README's example ----------------------------------------------------------------------------------------

def test_readme_example_byte_layout():
    """2 stimuli, 2 channels x 3, int16 samples, float32 labels, 2 classes, one chunk."""
    h = header(max_chunk=2)
    values = [100 * i + 10 * c + t for i in range(2) for c in range(2) for t in range(3)]
    samples = np.array(values, "<i2").reshape(2, 2, 3)
    probabilities = [0.25, 0.75, 1.0, 0.0]
    labels = np.array(probabilities, "<f4").reshape(2, 2)
    data, _ = sf.encode_dataset(h, samples, labels)

    assert data[:12].hex(" ") == "89 53 54 49 4d 44 0d 0a 01 00 00 00"
    assert data[12] == 1
    (header_length,) = struct.unpack_from("<I", data, 13)
    header_payload = data[17:17 + header_length]
    assert struct.unpack_from("<I", data, 17 + header_length)[0] == sf.crc32c(header_payload)
    assert stimuli_pb2.DatasetHeader.FromString(header_payload) == h

    chunk_offset = 12 + 9 + header_length
    assert data[chunk_offset] == 2
    (chunk_length,) = struct.unpack_from("<I", data, chunk_offset + 1)
    chunk_payload = data[chunk_offset + 5:chunk_offset + 5 + chunk_length]
    # Protobuf wire format by hand: count (field 2, varint) = 2; samples (field 3, 24 bytes); labels (field 4, 16
    # bytes); first_index 0 is the default and is not written. Samples stimulus-major, then channel, then time.
    expected = (b"\x10\x02" + b"\x1a\x18" + struct.pack("<12h", *values)
                + b"\x22\x10" + struct.pack("<4f", *probabilities))
    assert chunk_payload == expected
    assert struct.unpack_from("<I", data, chunk_offset + 5 + chunk_length)[0] == sf.crc32c(expected)

    footer_offset = chunk_offset + 9 + chunk_length
    assert data[footer_offset] == 3
    (footer_length,) = struct.unpack_from("<I", data, footer_offset + 1)
    footer = stimuli_pb2.DatasetFooter.FromString(data[footer_offset + 5:footer_offset + 5 + footer_length])
    assert footer.stimulus_count == 2
    assert len(footer.chunk) == 1
    entry = footer.chunk[0]
    assert (entry.offset, entry.length, entry.count, entry.first_index) == (chunk_offset, chunk_length, 2, 0)
    assert entry.crc32c == sf.crc32c(expected)
    assert list(footer.class_count) == [1, 1]
    assert footer.header_crc32c == sf.crc32c(header_payload)

    trailer = footer_offset + 9 + footer_length
    assert len(data) == trailer + 16
    assert data[trailer:trailer + 8] == struct.pack("<Q", footer_offset)
    assert data[trailer + 8:].hex(" ") == "53 54 49 4d 45 4e 44 0a"


@pytest.mark.skipif(shutil.which("protoc") is None, reason="protoc is not installed (scripts/setup installs it)")
def test_protoc_decodes_the_header_payload(tmp_path):
    """The README's `protoc --decode` recipe, an independent protobuf decoder, reads what the writer wrote."""
    rng = np.random.default_rng(1)
    h = sf.sample_header(rng, 2, 2, 60, common_pb2.SampleEncoding.INT16, stimuli_pb2.LabelEncoding.UINT16, 64)
    data, _ = sf.encode_dataset(h, np.zeros((0, 2, 60), "<i2"), np.zeros((0, 2), "<u2"))
    (length,) = struct.unpack_from("<I", data, 13)
    text = subprocess.run(["protoc", "--decode=stim.v1.DatasetHeader", "common.proto", "stimuli.proto"],
                          input=data[17:17 + length], capture_output=True, check=True, cwd=FORMATS).stdout.decode()
    assert 'task: "apnea"' in text
    assert 'class_names: "normal"\nclass_names: "apnea"' in text
    assert "samples_per_window: 60" in text
    assert "type: INT16" in text and "type: UINT16" in text
    assert "max_chunk_stimuli: 64" in text
    assert "method: RUNNING_ZSCORE" in text


# --- Command line -----------------------------------------------------------------------------------------------

def run_cli(*arguments):
    return subprocess.run([sys.executable, SCRIPT, *arguments], capture_output=True, text=True)


@pytest.mark.parametrize("sample, label", [("int16", "uint16"), ("float32", "float32"), ("int8", "uint8")])
def test_write_sample_prints_what_dump_reads(tmp_path, sample, label):
    path = str(tmp_path / "sample.stim")
    written = run_cli("write-sample", path, "--count", "11", "--seed", "5", "--sample-encoding", sample,
                      "--label-encoding", label, "--chunk", "4", "--classes", "3")
    assert written.returncode == 0, written.stderr
    dumped = run_cli("dump", path)
    assert dumped.returncode == 0, dumped.stderr
    assert json.loads(written.stdout) == json.loads(dumped.stdout)
    result = json.loads(dumped.stdout)
    assert result["kind"] == "dataset" and result["count"] == 11
    assert result["header"]["task"] == "apnea"
    assert result["header"]["input"]["normalization"]["method"] == "RUNNING_ZSCORE"
    assert len(result["samples"]) == 11 and all(len(s) == 2 * 60 for s in result["samples"])
    assert len(result["labels"]) == 11 and all(len(p) == 3 for p in result["labels"])
    assert len(result["target_class"]) == 11
    assert [c["count"] for c in result["footer"]["chunk"]] == [4, 4, 3]
    # The stored values, read back from the chunk payloads with nothing but struct.
    with open(path, "rb") as file:
        data = file.read()
    chunks = _chunks_of(data)
    fmt = {"int16": "h", "float32": "f", "int8": "b"}[sample]
    flat = [v for c in chunks for v in struct.unpack(f"<{len(c.samples) // struct.calcsize(fmt)}{fmt}", c.samples)]
    assert [v for s in result["samples"] for v in s] == flat


def test_write_sample_reproducible_and_without_targets(tmp_path):
    arguments = ["--count", "3", "--seed", "9", "--sample-encoding", "int16", "--label-encoding", "float32",
                 "--chunk", "2"]
    first = run_cli("write-sample", str(tmp_path / "a.stim"), *arguments)
    second = run_cli("write-sample", str(tmp_path / "b.stim"), *arguments)
    assert first.stdout == second.stdout
    assert (tmp_path / "a.stim").read_bytes() == (tmp_path / "b.stim").read_bytes()
    bare = run_cli("write-sample", str(tmp_path / "c.stim"), *arguments, "--no-target-class")
    assert json.loads(bare.stdout)["target_class"] == []


def test_dump_of_a_model(tmp_path):
    model = model_pb2.Model(task="apnea", class_names=["normal", "apnea"])
    model.svm.bias.extend([0.5])
    path = tmp_path / "m.stimm"
    sf.write_model(str(path), model)
    result = json.loads(run_cli("dump", str(path)).stdout)
    assert result == {"kind": "model", "model": {"task": "apnea", "class_names": ["normal", "apnea"],
                                                 "svm": {"bias": [0.5]}}}


def test_dump_of_a_bad_file_names_file_offset_and_problem(tmp_path):
    data = small_file()
    spans = frame_spans(data)
    corrupt = bytearray(data)
    corrupt[spans[2][0] + 7] ^= 1
    path = tmp_path / "bad.stim"
    path.write_bytes(bytes(corrupt))
    result = run_cli("dump", str(path))
    assert result.returncode == 1 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"{path}: offset {spans[2][0]}: ") and "CRC" in lines[0]
    missing = run_cli("dump", str(tmp_path / "missing.stim"))
    assert missing.returncode == 1 and str(tmp_path / "missing.stim") in missing.stderr
