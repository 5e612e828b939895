#!/usr/bin/env python3
"""Independent reader and writer of the stim wire formats (formats/README.md), in Python.

Written from the spec, not from the Swift code, so that each implementation checks the other. It makes every
check of the spec's "Checks a reader makes" and reports a failure as StimFormatError(path, offset, problem).

Command line (see `stimformat.py --help`):
  stimformat.py dump PATH           one JSON object describing a dataset or model file (exit 1 on a bad file)
  stimformat.py write-sample PATH   writes a pseudo-random valid dataset and prints what `dump` would print
"""

import argparse
import json
import math
import os
import struct
import sys
from dataclasses import dataclass

import numpy as np

# protoc --python_out writes modules that import each other by their top-level names.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from google.protobuf import json_format  # noqa: E402
from google.protobuf.message import DecodeError  # noqa: E402

import common_pb2  # noqa: E402
import model_pb2  # noqa: E402
import stimuli_pb2  # noqa: E402

DATASET_MAGIC = b"\x89STIMD\r\n"
MODEL_MAGIC = b"\x89STIMM\r\n"
END_MAGIC = b"STIMEND\n"
MAJOR = 1
MINOR = 0

PREAMBLE_SIZE = 12  # magic[8] major:u16le minor:u16le
FRAME_PREFIX_SIZE = 5  # type:u8 length:u32le
FRAME_OVERHEAD = 9  # prefix and crc:u32le
TRAILER_SIZE = 16  # last_frame_offset:u64le end_magic[8]

HEADER_FRAME = 1
CHUNK_FRAME = 2
FOOTER_FRAME = 3
MODEL_FRAME = 16
FIRST_EXTENSION_FRAME = 128  # unknown types from here on are optional extensions a reader skips

MAX_PAYLOAD = {HEADER_FRAME: 1 << 20, CHUNK_FRAME: 64 << 20, FOOTER_FRAME: 64 << 20, MODEL_FRAME: 256 << 20}
MAX_WINDOW_VALUES = 1 << 24  # channels x samples_per_window
MAX_CLASSES = 65536
MAX_CHUNK_STIMULI = 1 << 20

FLOAT32_LABEL_SUM_TOLERANCE = 1e-3

_FRAME_NAMES = {HEADER_FRAME: "header", CHUNK_FRAME: "chunk", FOOTER_FRAME: "footer", MODEL_FRAME: "model"}

# Stored array types, little-endian, by encoding enum value.
SAMPLE_DTYPES = {
    common_pb2.SampleEncoding.FLOAT32: np.dtype("<f4"),
    common_pb2.SampleEncoding.INT16: np.dtype("<i2"),
    common_pb2.SampleEncoding.INT8: np.dtype("i1"),
}
LABEL_DTYPES = {
    stimuli_pb2.LabelEncoding.FLOAT32: np.dtype("<f4"),
    stimuli_pb2.LabelEncoding.UINT16: np.dtype("<u2"),
    stimuli_pb2.LabelEncoding.UINT8: np.dtype("u1"),
}
LABEL_QMAX = {stimuli_pb2.LabelEncoding.UINT16: 65535, stimuli_pb2.LabelEncoding.UINT8: 255}


class StimFormatError(Exception):
    """A file that breaks the spec: which file, the byte offset of the offending frame or field, and what is wrong."""

    def __init__(self, path, offset, problem):
        super().__init__(f"{path}: offset {offset}: {problem}")
        self.path = path
        self.offset = offset
        self.problem = problem


# --- CRC-32C ---------------------------------------------------------------------------------------------------

def _crc32c_table():
    table = []
    for byte in range(256):
        c = byte
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


_CRC32C_TABLE = _crc32c_table()


def crc32c(data, crc=0):
    """CRC-32C (Castagnoli, reflected 0x82F63B78, init and final XOR 0xFFFFFFFF); `crc` continues an earlier one.

    Bytewise and table-driven: the reference favours being obviously right over being fast."""
    table = _CRC32C_TABLE
    c = crc ^ 0xFFFFFFFF
    for byte in bytes(data):
        c = table[(c ^ byte) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


# --- Container: preamble, frames, trailer --------------------------------------------------------------------

@dataclass
class Frame:
    type: int
    offset: int  # of the type byte
    payload: bytes
    crc32c: int


def _frames(data, path, magic, allowed_types):
    """Checks the preamble (check 1) and yields every frame before the trailer after check 2's framing and CRC.

    The trailer is taken to be the last 16 bytes, so a frame "fits" when it ends at or before them."""
    if len(data) < PREAMBLE_SIZE:
        raise StimFormatError(path, 0, f"file is {len(data)} bytes, shorter than the {PREAMBLE_SIZE}-byte preamble")
    if data[:8] != magic:
        raise StimFormatError(path, 0, f"magic is {data[:8].hex(' ')}, expected {magic.hex(' ')}")
    major, _minor = struct.unpack_from("<HH", data, 8)
    if major != MAJOR:
        raise StimFormatError(path, 8, f"major version {major} is not supported (this reader knows {MAJOR})")
    if len(data) < PREAMBLE_SIZE + TRAILER_SIZE:
        raise StimFormatError(path, PREAMBLE_SIZE, f"file is {len(data)} bytes, too short for a preamble and "
                                                   f"a {TRAILER_SIZE}-byte trailer")
    end = len(data) - TRAILER_SIZE
    offset = PREAMBLE_SIZE
    while offset < end:
        if offset + FRAME_PREFIX_SIZE > end:
            raise StimFormatError(path, offset, f"frame type and length truncated: {max(end - offset, 0)} bytes "
                                                f"before the trailer, a frame needs at least {FRAME_OVERHEAD}")
        frame_type, length = struct.unpack_from("<BI", data, offset)
        if frame_type < FIRST_EXTENSION_FRAME and frame_type not in allowed_types:
            raise StimFormatError(path, offset, f"unknown frame type {frame_type}")
        limit = MAX_PAYLOAD.get(frame_type)
        if limit is not None and length > limit:
            raise StimFormatError(path, offset, f"{_FRAME_NAMES[frame_type]} payload length {length} exceeds "
                                                f"the limit of {limit} bytes")
        room = end - offset - FRAME_OVERHEAD
        if length > room:
            raise StimFormatError(path, offset, f"frame payload length {length} goes beyond the end of the file "
                                                f"({max(room, 0)} bytes left before the trailer)")
        start = offset + FRAME_PREFIX_SIZE
        payload = data[start:start + length]
        (stored_crc,) = struct.unpack_from("<I", data, start + length)
        actual_crc = crc32c(payload)
        if stored_crc != actual_crc:
            raise StimFormatError(path, offset, f"frame CRC-32C mismatch: stored {stored_crc:#010x}, "
                                                f"payload has {actual_crc:#010x}")
        yield Frame(frame_type, offset, payload, stored_crc)
        offset = start + length + 4


def _check_trailer(data, path, last_frame_offset):
    """Check 6: the end magic and the pointer back to the last frame (the file ends there by construction)."""
    trailer = len(data) - TRAILER_SIZE
    if data[trailer + 8:] != END_MAGIC:
        raise StimFormatError(path, trailer + 8, f"end magic is {data[trailer + 8:].hex(' ')}, "
                                                 f"expected {END_MAGIC.hex(' ')}")
    (pointer,) = struct.unpack_from("<Q", data, trailer)
    if pointer != last_frame_offset:
        raise StimFormatError(path, trailer, f"trailer's last_frame_offset is {pointer}, "
                                             f"but the last frame is at {last_frame_offset}")


def _parse(message, frame, path):
    try:
        message.ParseFromString(frame.payload)
    except DecodeError as error:
        raise StimFormatError(path, frame.offset,
                              f"{_FRAME_NAMES[frame.type]} payload does not decode as "
                              f"{message.DESCRIPTOR.name}: {error}") from None
    return message


def _frame_bytes(frame_type, payload):
    return struct.pack("<BI", frame_type, len(payload)) + payload + struct.pack("<I", crc32c(payload))


def _container(magic, frames):
    """Preamble, the (type, payload) frames, and a trailer pointing at the last one."""
    parts = [magic, struct.pack("<HH", MAJOR, MINOR)]
    offset = PREAMBLE_SIZE
    last = offset
    for frame_type, payload in frames:
        last = offset
        encoded = _frame_bytes(frame_type, payload)
        parts.append(encoded)
        offset += len(encoded)
    parts.append(struct.pack("<Q", last) + END_MAGIC)
    return b"".join(parts)


def _write_atomically(path, data):
    partial = f"{path}.partial"
    with open(partial, "wb") as file:
        file.write(data)
    os.replace(partial, path)


# --- Dataset content checks (shared by the reader and the writer) -------------------------------------------

def header_problem(header):
    """Check 3 (and the size limits) on a DatasetHeader: the first problem found, or None."""
    spec = header.input
    channels, window = spec.channels, spec.samples_per_window
    if channels < 1:
        return "input.channels is 0"
    if channels != len(spec.channel):
        return f"input.channels is {channels} but there are {len(spec.channel)} channel entries"
    if window < 1:
        return "input.samples_per_window is 0"
    if channels * window > MAX_WINDOW_VALUES:
        return f"channels x samples_per_window = {channels * window} exceeds {MAX_WINDOW_VALUES}"
    for index, channel in enumerate(spec.channel):
        rate = channel.sampling_rate_hz
        if not (math.isfinite(rate) and rate > 0):
            return f"channel {index} ({channel.name!r}) has sampling rate {rate}, not finite and > 0"
    classes = len(header.class_names)
    if classes < 2:
        return f"class_names has {classes} entries, at least 2 needed"
    if classes > MAX_CLASSES:
        return f"{classes} classes exceed {MAX_CLASSES}"
    encoding = header.sample_encoding
    if encoding.type not in SAMPLE_DTYPES:
        return f"unknown sample encoding {encoding.type}"
    if header.label_encoding.type not in LABEL_DTYPES:
        return f"unknown label encoding {header.label_encoding.type}"
    if encoding.type != common_pb2.SampleEncoding.FLOAT32:
        if len(encoding.scale) != channels:
            return f"sample_encoding has {len(encoding.scale)} scales for {channels} channels"
        if len(encoding.zero_point) != channels:
            return f"sample_encoding has {len(encoding.zero_point)} zero points for {channels} channels"
        for index, scale in enumerate(encoding.scale):
            if not math.isfinite(scale) or scale == 0:
                return f"sample_encoding.scale[{index}] is {scale}, not finite and non-zero"
    if header.max_chunk_stimuli < 1:
        return "max_chunk_stimuli is 0"
    if header.max_chunk_stimuli > MAX_CHUNK_STIMULI:
        return f"max_chunk_stimuli {header.max_chunk_stimuli} exceeds {MAX_CHUNK_STIMULI}"
    return None


def samples_problem(samples, first_index):
    """Every stored sample finite (only float32 can fail): the first problem found, or None."""
    if samples.dtype.kind != "f":
        return None
    bad = ~np.isfinite(samples.reshape(len(samples), -1)).all(axis=1)
    if bad.any():
        return f"stimulus {first_index + int(np.argmax(bad))} has a non-finite sample"
    return None


def labels_problem(labels, label_type, first_index):
    """Labels finite, in [0, 1], each stimulus's summing to 1 within the spec's tolerance; a problem or None."""
    classes = labels.shape[1]
    if label_type == stimuli_pb2.LabelEncoding.FLOAT32:
        values = labels.astype(np.float64)
        bad = ~np.isfinite(values).all(axis=1)
        if bad.any():
            return f"stimulus {first_index + int(np.argmax(bad))} has a non-finite label"
        bad = ((values < 0) | (values > 1)).any(axis=1)
        if bad.any():
            return f"stimulus {first_index + int(np.argmax(bad))} has a label outside [0, 1]"
        tolerance = FLOAT32_LABEL_SUM_TOLERANCE
    else:
        qmax = LABEL_QMAX[label_type]
        values = labels.astype(np.float64) / qmax
        tolerance = classes * 0.5 / qmax + 1e-6
    sums = values.sum(axis=1)
    bad = np.abs(sums - 1) > tolerance
    if bad.any():
        index = int(np.argmax(bad))
        return f"stimulus {first_index + index}'s labels sum to {sums[index]!r}, not 1 within {tolerance:g}"
    return None


def class_counts(labels, classes):
    """Stimuli whose label argmax (the first, on ties) is each class."""
    if len(labels) == 0:
        return np.zeros(classes, dtype=np.int64)
    return np.bincount(np.argmax(labels, axis=1), minlength=classes)


# --- Datasets ----------------------------------------------------------------------------------------------

@dataclass
class Dataset:
    """A whole dataset in memory, values as stored (see real_samples and probabilities for what they mean)."""
    header: stimuli_pb2.DatasetHeader
    footer: stimuli_pb2.DatasetFooter
    samples: np.ndarray  # (count, channels, samples_per_window), the sample encoding's dtype
    labels: np.ndarray  # (count, classes), the label encoding's dtype
    target_class: np.ndarray  # uint32, flattened over chunks; empty when absent

    def real_samples(self):
        """scale[c] x (q - zero_point[c]) for integer encodings; the stored values for float32."""
        encoding = self.header.sample_encoding
        if encoding.type == common_pb2.SampleEncoding.FLOAT32:
            return self.samples.astype(np.float64)
        scale = np.array(encoding.scale, dtype=np.float64)[None, :, None]
        zero_point = np.array(encoding.zero_point, dtype=np.float64)[None, :, None]
        return scale * (self.samples.astype(np.float64) - zero_point)

    def probabilities(self):
        qmax = LABEL_QMAX.get(self.header.label_encoding.type)
        return self.labels.astype(np.float64) / (qmax or 1)

    def to_json(self):
        """The object `stimformat.py dump` prints."""
        count = len(self.samples)
        return {
            "kind": "dataset",
            "header": json_format.MessageToDict(self.header, preserving_proto_field_name=True),
            "footer": json_format.MessageToDict(self.footer, preserving_proto_field_name=True),
            "count": count,
            "samples": self.samples.reshape(count, -1).tolist(),
            "labels": self.labels.reshape(count, -1).tolist(),
            "target_class": self.target_class.tolist(),
        }


def decode_dataset(data, path="<memory>"):
    """Reads a whole dataset from bytes, making checks 1-6 in file order (as a sequential reader does)."""
    header = header_frame = footer = footer_frame = None
    entries, samples, labels, targets = [], [], [], []
    read = 0
    allowed = (HEADER_FRAME, CHUNK_FRAME, FOOTER_FRAME)
    for frame in _frames(data, path, DATASET_MAGIC, allowed):
        if footer is not None:
            raise StimFormatError(path, frame.offset, f"frame of type {frame.type} after the footer")
        if header is None and frame.type != HEADER_FRAME:
            raise StimFormatError(path, frame.offset, f"first frame has type {frame.type}, not the header (1)")
        if frame.type >= FIRST_EXTENSION_FRAME:
            continue
        if frame.type == HEADER_FRAME:
            if header is not None:
                raise StimFormatError(path, frame.offset, "second header frame")
            header = _parse(stimuli_pb2.DatasetHeader(), frame, path)
            problem = header_problem(header)
            if problem:
                raise StimFormatError(path, frame.offset, f"header: {problem}")
            header_frame = frame
            sample_dtype = SAMPLE_DTYPES[header.sample_encoding.type]
            label_type = header.label_encoding.type
            label_dtype = LABEL_DTYPES[label_type]
            channels, window = header.input.channels, header.input.samples_per_window
            classes = len(header.class_names)
        elif frame.type == CHUNK_FRAME:
            chunk = _parse(stimuli_pb2.StimulusChunk(), frame, path)

            def fail(problem, frame=frame):
                raise StimFormatError(path, frame.offset, f"chunk {len(entries)}: {problem}")

            if chunk.first_index != read:
                fail(f"first_index is {chunk.first_index}, but {read} stimuli came before it")
            count = chunk.count
            if not 1 <= count <= header.max_chunk_stimuli:
                fail(f"count is {count}, not in 1...{header.max_chunk_stimuli} (max_chunk_stimuli)")
            expected = count * channels * window * sample_dtype.itemsize
            if len(chunk.samples) != expected:
                fail(f"samples are {len(chunk.samples)} bytes, expected {expected} "
                     f"({count} x {channels} x {window} x {sample_dtype.itemsize})")
            expected = count * classes * label_dtype.itemsize
            if len(chunk.labels) != expected:
                fail(f"labels are {len(chunk.labels)} bytes, expected {expected} "
                     f"({count} x {classes} x {label_dtype.itemsize})")
            if len(chunk.target_class) not in (0, count):
                fail(f"target_class has {len(chunk.target_class)} entries, expected 0 or {count}")
            for index, target in enumerate(chunk.target_class):
                if target >= classes:
                    fail(f"stimulus {read + index}'s target_class {target} is not below {classes} classes")
            chunk_samples = np.frombuffer(chunk.samples, dtype=sample_dtype).reshape(count, channels, window)
            chunk_labels = np.frombuffer(chunk.labels, dtype=label_dtype).reshape(count, classes)
            problem = samples_problem(chunk_samples, read) or labels_problem(chunk_labels, label_type, read)
            if problem:
                fail(problem)
            samples.append(chunk_samples)
            labels.append(chunk_labels)
            targets.append(np.array(chunk.target_class, dtype=np.uint32))
            entries.append((frame, count, read))
            read += count
        else:
            footer = _parse(stimuli_pb2.DatasetFooter(), frame, path)
            stored = np.concatenate(labels) if labels else np.zeros((0, classes), dtype=label_dtype)
            _check_footer(footer, frame, header_frame, entries, read, class_counts(stored, classes), path)
            footer_frame = frame
    end = len(data) - TRAILER_SIZE
    if header is None:
        raise StimFormatError(path, end, "no header frame")
    if footer is None:
        raise StimFormatError(path, end, "no footer frame before the trailer")
    _check_trailer(data, path, footer_frame.offset)
    empty = (0, channels, window)
    return Dataset(
        header=header,
        footer=footer,
        samples=np.concatenate(samples) if samples else np.zeros(empty, dtype=sample_dtype),
        labels=np.concatenate(labels) if labels else np.zeros((0, classes), dtype=label_dtype),
        target_class=np.concatenate(targets) if targets else np.zeros(0, dtype=np.uint32),
    )


def _check_footer(footer, frame, header_frame, entries, read, argmax_counts, path):
    """Check 5: the footer agrees with the chunks read, in file order, and with the header frame."""
    def fail(problem):
        raise StimFormatError(path, frame.offset, f"footer: {problem}")

    if footer.stimulus_count != read:
        fail(f"stimulus_count is {footer.stimulus_count}, but the chunks hold {read}")
    if len(footer.chunk) != len(entries):
        fail(f"{len(footer.chunk)} chunk entries for {len(entries)} chunk frames")
    for index, (entry, (chunk_frame, count, first_index)) in enumerate(zip(footer.chunk, entries)):
        actual = {"offset": chunk_frame.offset, "length": len(chunk_frame.payload), "count": count,
                  "first_index": first_index, "crc32c": chunk_frame.crc32c}
        for field, value in actual.items():
            if getattr(entry, field) != value:
                fail(f"chunk entry {index} has {field} {getattr(entry, field)}, the frame has {value}")
    classes = len(argmax_counts)
    if len(footer.class_count) != classes:
        fail(f"class_count has {len(footer.class_count)} entries for {classes} classes")
    if sum(footer.class_count) != read:
        fail(f"class_count sums to {sum(footer.class_count)}, not stimulus_count {read}")
    if list(footer.class_count) != [int(c) for c in argmax_counts]:
        fail(f"class_count {list(footer.class_count)} differs from the labels' argmax counts {list(argmax_counts)}")
    if footer.header_crc32c != header_frame.crc32c:
        fail(f"header_crc32c is {footer.header_crc32c:#010x}, the header frame's CRC is {header_frame.crc32c:#010x}")


def _stored(array, dtype, shape, what):
    """`array` as `dtype` after checking its shape and that the conversion loses nothing but float precision."""
    array = np.asarray(array)
    if array.shape != shape:
        raise ValueError(f"{what} have shape {array.shape}, expected {shape}")
    if dtype.kind in "iu":
        if array.dtype.kind not in "iu":
            raise ValueError(f"{what} must be integers for a {dtype} encoding, not {array.dtype}")
        info = np.iinfo(dtype)
        if array.size and (array.min() < info.min or array.max() > info.max):
            raise ValueError(f"{what} fall outside {info.min}...{info.max} of {dtype}")
    elif array.dtype.kind not in "fiu":
        raise ValueError(f"{what} must be numbers, not {array.dtype}")
    return np.ascontiguousarray(array, dtype=dtype)


def encode_dataset(header, samples, labels, target_class=None):
    """A dataset file's bytes, and the Dataset they hold (its footer is the one written).

    samples: (count, channels, samples_per_window) stored values of header.sample_encoding; labels: (count, classes)
    stored values of header.label_encoding; target_class: None or one class per stimulus. Chunks hold
    header.max_chunk_stimuli stimuli (the last one fewer). Raises ValueError on anything the reader would reject."""
    problem = header_problem(header)
    if problem:
        raise ValueError(f"header: {problem}")
    channels, window = header.input.channels, header.input.samples_per_window
    classes = len(header.class_names)
    count = len(samples)
    samples = _stored(samples, SAMPLE_DTYPES[header.sample_encoding.type], (count, channels, window), "samples")
    label_type = header.label_encoding.type
    labels = _stored(labels, LABEL_DTYPES[label_type], (count, classes), "labels")
    problem = samples_problem(samples, 0) or labels_problem(labels, label_type, 0)
    if problem:
        raise ValueError(problem)
    if target_class is not None:
        target_class = np.asarray(target_class)
        if target_class.shape != (count,) or target_class.dtype.kind not in "iu":
            raise ValueError(f"target_class must be {count} integers, not {target_class.shape} {target_class.dtype}")
        if count and (target_class.min() < 0 or target_class.max() >= classes):
            raise ValueError(f"target_class values must be in 0...{classes - 1}")

    header_payload = header.SerializeToString()
    if len(header_payload) > MAX_PAYLOAD[HEADER_FRAME]:
        raise ValueError(f"header payload of {len(header_payload)} bytes exceeds {MAX_PAYLOAD[HEADER_FRAME]}")
    frames = [(HEADER_FRAME, header_payload)]
    footer = stimuli_pb2.DatasetFooter(stimulus_count=count, header_crc32c=crc32c(header_payload))
    offset = PREAMBLE_SIZE + FRAME_OVERHEAD + len(header_payload)
    step = header.max_chunk_stimuli
    for first in range(0, count, step):
        n = min(step, count - first)
        chunk = stimuli_pb2.StimulusChunk(first_index=first, count=n, samples=samples[first:first + n].tobytes(),
                                          labels=labels[first:first + n].tobytes())
        if target_class is not None:
            chunk.target_class.extend(int(t) for t in target_class[first:first + n])
        payload = chunk.SerializeToString()
        if len(payload) > MAX_PAYLOAD[CHUNK_FRAME]:
            raise ValueError(f"a chunk of {n} stimuli is {len(payload)} bytes, over the limit of "
                             f"{MAX_PAYLOAD[CHUNK_FRAME]}: lower max_chunk_stimuli")
        frames.append((CHUNK_FRAME, payload))
        footer.chunk.add(offset=offset, length=len(payload), count=n, crc32c=crc32c(payload), first_index=first)
        offset += FRAME_OVERHEAD + len(payload)
    footer.class_count.extend(int(c) for c in class_counts(labels, classes))
    footer_payload = footer.SerializeToString()
    if len(footer_payload) > MAX_PAYLOAD[FOOTER_FRAME]:
        raise ValueError(f"footer payload of {len(footer_payload)} bytes exceeds {MAX_PAYLOAD[FOOTER_FRAME]}")
    frames.append((FOOTER_FRAME, footer_payload))
    targets = np.zeros(0, dtype=np.uint32) if target_class is None else target_class.astype(np.uint32)
    dataset = Dataset(header=header, footer=footer, samples=samples, labels=labels, target_class=targets)
    return _container(DATASET_MAGIC, frames), dataset


def read_dataset(path):
    with open(path, "rb") as file:
        return decode_dataset(file.read(), path)


def write_dataset(path, header, samples, labels, target_class=None):
    """Writes a dataset (see encode_dataset) and returns it as a Dataset, built from the arrays given."""
    data, dataset = encode_dataset(header, samples, labels, target_class)
    _write_atomically(path, data)
    return dataset


# --- Models ------------------------------------------------------------------------------------------------

def decode_model(data, path="<memory>"):
    """Reads a model file from bytes: preamble, exactly one model frame (extensions may precede it), trailer."""
    model = model_frame = None
    for frame in _frames(data, path, MODEL_MAGIC, (MODEL_FRAME,)):
        if model is not None:
            raise StimFormatError(path, frame.offset, f"frame of type {frame.type} after the model frame")
        if frame.type >= FIRST_EXTENSION_FRAME:
            continue
        model = _parse(model_pb2.Model(), frame, path)
        model_frame = frame
    if model is None:
        raise StimFormatError(path, len(data) - TRAILER_SIZE, "no model frame")
    _check_trailer(data, path, model_frame.offset)
    return model


def encode_model(model):
    payload = model.SerializeToString()
    if len(payload) > MAX_PAYLOAD[MODEL_FRAME]:
        raise ValueError(f"model payload of {len(payload)} bytes exceeds {MAX_PAYLOAD[MODEL_FRAME]}")
    return _container(MODEL_MAGIC, [(MODEL_FRAME, payload)])


def read_model(path):
    with open(path, "rb") as file:
        return decode_model(file.read(), path)


def write_model(path, model):
    _write_atomically(path, encode_model(model))


def decode_file(data, path="<memory>"):
    """The dump JSON of a dataset or a model file, chosen by its magic."""
    if data[:8] == MODEL_MAGIC:
        return {"kind": "model",
                "model": json_format.MessageToDict(decode_model(data, path), preserving_proto_field_name=True)}
    return decode_dataset(data, path).to_json()


# --- Sample datasets ---------------------------------------------------------------------------------------

_CHANNEL_NAMES = ["Resp C", "Resp A", "Resp N", "SpO2"]
_CLASS_NAMES = ["normal", "apnea"]


def sample_header(rng, classes, channels, window, sample_type, label_type, max_chunk):
    """A complete header with plausible values in every block."""
    header = stimuli_pb2.DatasetHeader(task="apnea", max_chunk_stimuli=max_chunk)
    header.class_names.extend((_CLASS_NAMES + [f"class {i}" for i in range(2, classes)])[:classes])
    spec = header.input
    spec.channels = channels
    spec.samples_per_window = window
    spec.window_seconds = 60.0
    for c in range(channels):
        name = _CHANNEL_NAMES[c] if c < len(_CHANNEL_NAMES) else f"channel {c}"
        spec.channel.add(name=name, unit="%" if name == "SpO2" else "mV", sampling_rate_hz=window / 60.0)
    spec.normalization.method = common_pb2.Normalization.RUNNING_ZSCORE
    spec.normalization.history_minutes = 5
    spec.normalization.epsilon = 1e-3
    spec.normalization.clip = 8.0
    header.sample_encoding.type = sample_type
    if sample_type != common_pb2.SampleEncoding.FLOAT32:
        qmax = np.iinfo(SAMPLE_DTYPES[sample_type]).max
        header.sample_encoding.scale.extend(8.0 / qmax * (1 + 0.25 * c) for c in range(channels))
        header.sample_encoding.zero_point.extend(int(z) for z in rng.integers(-3, 4, size=channels))
    header.label_encoding.type = label_type
    provenance = header.provenance
    provenance.producer = "stimformat.py write-sample"
    provenance.teacher_digest = rng.bytes(32)
    provenance.created_utc = "2026-01-01T00:00:00Z"
    generator = provenance.generator
    generator.noise_dim = 32
    generator.threshold_min = 0.9
    generator.threshold_max = 0.99
    generator.max_steps = 500
    generator.learning_rate = 0.01
    generator.seed = int(rng.integers(0, 2**63))
    generator.architecture = "dense 32-128-120"
    anonymization = provenance.anonymization
    anonymization.target = stimuli_pb2.AnonymizationSettings.CLASS_CONDITIONAL
    anonymization.weight = 0.5
    anonymization.kl_bound = 0.1
    anonymization.identities = 8
    summary = header.summary
    summary.teacher_accuracy = 0.87
    summary.student_accuracy = 0.81
    summary.student_real_accuracy = 0.85
    summary.reidentification_top1 = 0.14
    summary.reidentification_chance = 0.125
    summary.closest_record_ratio = 1.3
    summary.membership_auc = 0.52
    summary.evaluation = "leave-one-record-out, 8 records"
    summary.metric.add(name="kappa", value=0.61, detail="student on real windows")
    return header


def quantize_probabilities(probabilities, label_type):
    """Stored labels for probabilities: float32 as they are, or round(p x qmax) for the integer encodings."""
    qmax = LABEL_QMAX.get(label_type)
    if qmax is None:
        return probabilities.astype(np.float32)
    return np.rint(probabilities * qmax).astype(LABEL_DTYPES[label_type])


def sample_arrays(rng, count, classes, channels, window, sample_type, label_type):
    """Pseudo-random stored samples, labels (softmax of normals, quantized) and target classes."""
    dtype = SAMPLE_DTYPES[sample_type]
    if dtype.kind == "f":
        samples = rng.standard_normal((count, channels, window)).astype(dtype)
    else:
        info = np.iinfo(dtype)
        samples = rng.integers(info.min, info.max, size=(count, channels, window), endpoint=True, dtype=dtype)
    logits = 2.0 * rng.standard_normal((count, classes))
    probabilities = np.exp(logits - logits.max(axis=1, keepdims=True))
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    labels = quantize_probabilities(probabilities, label_type)
    targets = rng.integers(0, classes, size=count).astype(np.uint32)
    return samples, labels, targets


# --- Command line ------------------------------------------------------------------------------------------

_SAMPLE_TYPES = {"float32": common_pb2.SampleEncoding.FLOAT32, "int16": common_pb2.SampleEncoding.INT16,
                 "int8": common_pb2.SampleEncoding.INT8}
_LABEL_TYPES = {"float32": stimuli_pb2.LabelEncoding.FLOAT32, "uint16": stimuli_pb2.LabelEncoding.UINT16,
                "uint8": stimuli_pb2.LabelEncoding.UINT8}


def _arguments(argv):
    parser = argparse.ArgumentParser(prog="stimformat.py", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    dump = commands.add_parser("dump", help="check a dataset or model file and print it as one JSON object")
    dump.add_argument("path")
    write = commands.add_parser("write-sample", help="write a pseudo-random dataset and print its dump JSON")
    write.add_argument("path")
    write.add_argument("--count", type=int, required=True)
    write.add_argument("--seed", type=int, required=True)
    write.add_argument("--sample-encoding", choices=_SAMPLE_TYPES, required=True)
    write.add_argument("--label-encoding", choices=_LABEL_TYPES, required=True)
    write.add_argument("--chunk", type=int, required=True, help="stimuli per chunk (max_chunk_stimuli)")
    write.add_argument("--classes", type=int, default=2)
    write.add_argument("--channels", type=int, default=2)
    write.add_argument("--samples-per-window", type=int, default=60)
    write.add_argument("--no-target-class", action="store_true", help="leave target_class empty")
    arguments = parser.parse_args(argv)
    if arguments.command == "write-sample":
        for name in ("count", "seed", "chunk", "classes", "channels", "samples_per_window"):
            if getattr(arguments, name) < 0:
                parser.error(f"--{name.replace('_', '-')} must not be negative")
    return arguments


def main(argv=None):
    arguments = _arguments(argv)
    try:
        if arguments.command == "dump":
            with open(arguments.path, "rb") as file:
                result = decode_file(file.read(), arguments.path)
        else:
            rng = np.random.default_rng(arguments.seed)
            sample_type = _SAMPLE_TYPES[arguments.sample_encoding]
            label_type = _LABEL_TYPES[arguments.label_encoding]
            shape = (arguments.classes, arguments.channels, arguments.samples_per_window)
            header = sample_header(rng, *shape, sample_type, label_type, arguments.chunk)
            samples, labels, targets = sample_arrays(rng, arguments.count, *shape, sample_type, label_type)
            targets = None if arguments.no_target_class else targets
            result = write_dataset(arguments.path, header, samples, labels, targets).to_json()
    except StimFormatError as error:
        print(error, file=sys.stderr)
        return 1
    except OSError as error:
        print(f"{arguments.path}: {error.strerror}", file=sys.stderr)
        return 1
    except ValueError as error:
        print(f"{arguments.path}: cannot write: {error}", file=sys.stderr)
        return 2
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
