// SPDX-License-Identifier: GPL-3.0-or-later
// Checkpoint I/O: safetensors round trips and hostile files, torch.save zip reading, sniffing.

#include "core/ml/tensorio.h"

#include "core/ml/checkpointconvert.h"

#include "tests/common/testsupport.h"

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <torch/torch.h>

#include <cstring>

using namespace satgpt;
using namespace satgpt::ml;

namespace {

QByteArray readAll(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll();
}

bool writeAll(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    return f.write(bytes) == bytes.size();
}

QByteArray le64(quint64 v)
{
    QByteArray b(8, '\0');
    for (int i = 0; i < 8; ++i)
        b[i] = char((v >> (8 * i)) & 0xff);
    return b;
}

/// A safetensors file from a header string and a data section, padding as the writer does.
QByteArray makeSafetensors(QByteArray header, const QByteArray &data)
{
    while (header.size() % 8)
        header.append(' ');
    return le64(quint64(header.size())) + header + data;
}

bool bitIdentical(const torch::Tensor &a, const torch::Tensor &b)
{
    if (a.scalar_type() != b.scalar_type() || a.sizes() != b.sizes())
        return false;
    const torch::Tensor ca = a.contiguous(), cb = b.contiguous();
    return std::memcmp(ca.data_ptr(), cb.data_ptr(), size_t(ca.numel()) * ca.element_size()) == 0;
}

std::string str(const QString &s) { return s.toStdString(); }

quint32 crc32(const QByteArray &data)
{
    quint32 c = 0xFFFFFFFFu;
    for (const char ch : data) {
        c ^= quint8(ch);
        for (int k = 0; k < 8; ++k)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    }
    return c ^ 0xFFFFFFFFu;
}

QByteArray le16(quint16 v) { return QByteArray(1, char(v & 0xff)) + QByteArray(1, char(v >> 8)); }
QByteArray le32(quint32 v) { return le16(quint16(v & 0xffff)) + le16(quint16(v >> 16)); }

/// A zip archive with stored entries, laid out as torch.save writes them (minus the alignment padding).
QByteArray makeZip(const QList<QPair<QByteArray, QByteArray>> &entries, bool deflate = false)
{
    QByteArray out, central;
    for (const auto &[name, data] : entries) {
        const quint32 offset = quint32(out.size());
        const quint32 crc = crc32(data);
        // qCompress gives a 4-byte size, a 2-byte zlib header, raw deflate, and a 4-byte Adler-32.
        const QByteArray stored = deflate ? qCompress(data, 9).mid(6).chopped(4) : data;
        const quint16 method = deflate ? 8 : 0;
        out += le32(0x04034b50) + le16(20) + le16(0) + le16(method) + le16(0) + le16(0) + le32(crc)
            + le32(quint32(stored.size())) + le32(quint32(data.size())) + le16(quint16(name.size())) + le16(0) + name + stored;
        central += le32(0x02014b50) + le16(20) + le16(20) + le16(0) + le16(method) + le16(0) + le16(0) + le32(crc)
            + le32(quint32(stored.size())) + le32(quint32(data.size())) + le16(quint16(name.size())) + le16(0) + le16(0)
            + le16(0) + le16(0) + le32(0) + le32(offset) + name;
    }
    const quint32 cdOffset = quint32(out.size());
    out += central;
    out += le32(0x06054b50) + le16(0) + le16(0) + le16(quint16(entries.size())) + le16(quint16(entries.size()))
        + le32(quint32(central.size())) + le32(cdOffset) + le16(0);
    return out;
}

/// Writes pickle protocol 2 the way torch.save does for a state dict.
struct PickleWriter
{
    QByteArray b;
    PickleWriter() { b += QByteArray("\x80\x02", 2); }
    void global(const char *module, const char *name) { b += 'c' + QByteArray(module) + '\n' + QByteArray(name) + '\n'; }
    void string(const QByteArray &s) { b += 'X' + le32(quint32(s.size())) + s; }
    void integer(qint64 v)
    {
        if (v >= 0 && v < 256)
            b += 'K' + QByteArray(1, char(v));
        else if (v >= 0 && v < 65536)
            b += 'M' + le16(quint16(v));
        else
            b += 'J' + le32(quint32(qint32(v)));
    }
    void ints(const QList<qint64> &values)
    {
        b += '(';
        for (qint64 v : values)
            integer(v);
        b += 't';
    }
    /// name -> _rebuild_tensor_v2(storage <key>, offset, sizes, strides, False, OrderedDict())
    void tensor(const QByteArray &name, const QByteArray &key, qint64 numel, qint64 offset, const QList<qint64> &sizes,
                const QList<qint64> &strides, const char *storageClass = "FloatStorage")
    {
        string(name);
        tensorValue(key, numel, offset, sizes, strides, storageClass);
    }
    void tensorValue(const QByteArray &key, qint64 numel, qint64 offset, const QList<qint64> &sizes,
                     const QList<qint64> &strides, const char *storageClass = "FloatStorage")
    {
        global("torch._utils", "_rebuild_tensor_v2");
        b += '(';
        b += '(';
        string("storage");
        global("torch", storageClass);
        string(key);
        string("cpu");
        integer(numel);
        b += 't';
        b += 'Q';
        integer(offset);
        ints(sizes);
        ints(strides);
        b += '\x89';
        global("collections", "OrderedDict");
        b += ')';
        b += 'R';
        b += 't';
        b += 'R';
    }
};

QByteArray floatsBytes(const std::vector<float> &v)
{
    return QByteArray(reinterpret_cast<const char *>(v.data()), qsizetype(v.size() * sizeof(float)));
}

} // namespace

class TestCheckpointIo : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { torch::manual_seed(7); }

    void safetensorsRoundTripEveryDtype()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        TensorMap in;
        in.insert("f64", torch::randn({3, 5}, torch::kDouble));
        in.insert("f32", torch::randn({2, 3, 4}));
        in.insert("f16", torch::randn({7}).to(torch::kHalf));
        in.insert("bf16", torch::randn({4, 2}).to(torch::kBFloat16));
        in.insert("i64", torch::randint(-1000000000000LL, 1000000000000LL, {6}, torch::kLong));
        in.insert("i32", torch::randint(-100000, 100000, {2, 2}, torch::kInt));
        in.insert("i16", torch::randint(-30000, 30000, {5}, torch::kShort));
        in.insert("i8", torch::randint(-128, 127, {9}, torch::kChar));
        in.insert("u8", torch::randint(0, 255, {3, 3}, torch::kByte));
        in.insert("bool", torch::randint(0, 2, {11}, torch::kLong).to(torch::kBool));
        in.insert("scalar", torch::tensor(3.5));
        in.insert("empty", torch::zeros({0, 4}));
        // A transposed view is written as its logical (row-major) contents.
        in.insert("view", torch::arange(12, torch::kFloat).reshape({3, 4}).t());
        // NaN payloads and signed zeros must survive: compare bits, not values.
        in.insert("special", torch::tensor({std::nanf(""), -0.0f, INFINITY}));

        const std::string path = str(dir.filePath("all.safetensors"));
        const Status written = writeSafetensors(path, in, {{"format", "pt"}, {"note", "round trip"}});
        QVERIFY2(written.ok(), written.ok() ? "" : written.error().toString().c_str());

        std::map<std::string, std::string> meta;
        auto out = readSafetensors(path, &meta);
        QVERIFY2(out.ok(), out.ok() ? "" : out.error().toString().c_str());
        QCOMPARE(out->size(), in.size());
        for (const std::string &name : in.names) {
            QVERIFY2(out->contains(name), name.c_str());
            QVERIFY2(bitIdentical(in.at(name).contiguous(), out->at(name)), name.c_str());
        }
        QCOMPARE(meta.at("note"), std::string("round trip"));
        QCOMPARE(meta.at("format"), std::string("pt"));
        // Tensors own their memory: modifying one in place is allowed.
        out->at("f32").add_(1.0);

        // Rewriting what was read gives the same bytes (deterministic layout).
        const std::string path2 = str(dir.filePath("again.safetensors"));
        QVERIFY(writeSafetensors(path2, *out, meta).ok());
        const auto again = readSafetensors(path2);
        QVERIFY(again.ok());
        QVERIFY(bitIdentical(again->at("f32"), in.at("f32") + 1.0));
        // No temporary files are left behind.
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files).size(), 2);
    }

    void safetensorsWriterMatchesReferenceBytes_data()
    {
        QTest::addColumn<QString>("relative");
        QTest::newRow("gpt2_tiny data") << "fixtures/hf-parity/data/gpt2_tiny.safetensors";
        QTest::newRow("preprocess data (U8+F32)") << "fixtures/hf-parity/data/preprocess.safetensors";
        QTest::newRow("vit_gpt2 model") << "fixtures/hf-parity/models/vit_gpt2_tiny/model.safetensors";
        QTest::newRow("explain data") << "fixtures/hf-parity/data/explain.safetensors";
    }
    void safetensorsWriterMatchesReferenceBytes()
    {
        SATGPT_REQUIRE_SHARED("fixtures/hf-parity");
        QFETCH(QString, relative);
        const QString path = test::sharedPath(relative);
        std::map<std::string, std::string> meta;
        auto tensors = readSafetensors(str(path), &meta);
        QVERIFY2(tensors.ok(), tensors.ok() ? "" : tensors.error().toString().c_str());
        QVERIFY(tensors->size() > 0);
        const auto bytes = serializeSafetensors(*tensors, meta);
        QVERIFY(bytes.ok());
        const QByteArray reference = readAll(path);
        QCOMPARE(qsizetype(bytes->size()), reference.size());
        QVERIFY(std::memcmp(bytes->data(), reference.constData(), bytes->size()) == 0);
    }

    void safetensorsHostileFiles_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("expected");

        const QByteArray f32x4(16, '\1');
        QTest::newRow("empty file") << QByteArray() << "empty";
        QTest::newRow("shorter than the length field") << QByteArray("\x05\0\0", 3) << "too short";
        QTest::newRow("header claims 10^12 bytes") << (le64(1000000000000ull) + QByteArray(64, ' ')) << "100 MB";
        QTest::newRow("header longer than the file") << (le64(4096) + QByteArray("{\"a\":1}")) << "Truncated";
        // A pickle (legacy torch.save) renamed to .safetensors: protocol 2, EMPTY_DICT, STOP.
        QTest::newRow("pickle renamed") << QByteArray("\x80\x02}q\x00(X\x01\x00\x00\x00aq\x01K\x01u.", 17) << "pickle";
        QTest::newRow("zip renamed") << (QByteArray("PK\x03\x04", 4) + QByteArray(60, '\0')) << "zip";
        QTest::newRow("header not JSON") << makeSafetensors("{this is not json", {}) << "not valid JSON";
        QTest::newRow("header JSON array") << makeSafetensors("[1,2]", {}) << "not a JSON object";
        QTest::newRow("offsets beyond the file")
            << makeSafetensors(R"({"t":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", QByteArray(8, '\0'))
            << "Truncated";
        QTest::newRow("tensor claims 10^12 bytes")
            << makeSafetensors(R"({"t":{"dtype":"U8","shape":[1000000,1000000],"data_offsets":[0,1000000000000]}})", f32x4)
            << "Truncated";
        QTest::newRow("size mismatch")
            << makeSafetensors(R"({"t":{"dtype":"F32","shape":[3],"data_offsets":[0,16]}})", f32x4) << "dtype x shape";
        QTest::newRow("overlapping tensors")
            << makeSafetensors(R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},"b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}})",
                               f32x4)
            << "overlaps";
        QTest::newRow("hole between tensors")
            << makeSafetensors(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}})", f32x4) << "unused bytes";
        QTest::newRow("trailing bytes")
            << makeSafetensors(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", f32x4) << "after the last tensor";
        QTest::newRow("negative dimension")
            << makeSafetensors(R"({"t":{"dtype":"F32","shape":[-4],"data_offsets":[0,16]}})", f32x4) << "negative";
        QTest::newRow("shape product overflows")
            << makeSafetensors(R"({"t":{"dtype":"F64","shape":[4294967296,4294967296,16],"data_offsets":[0,16]}})", f32x4)
            << "overflows";
        QTest::newRow("end before begin")
            << makeSafetensors(R"({"t":{"dtype":"F32","shape":[0],"data_offsets":[16,0]}})", f32x4) << "ends before";
        QTest::newRow("unknown dtype")
            << makeSafetensors(R"({"t":{"dtype":"F128","shape":[1],"data_offsets":[0,16]}})", f32x4) << "Unsupported";
        QTest::newRow("missing data_offsets")
            << makeSafetensors(R"({"t":{"dtype":"F32","shape":[4]}})", f32x4) << "data_offsets";
        QTest::newRow("metadata not strings")
            << makeSafetensors(R"({"__metadata__":{"n":1},"t":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", f32x4)
            << "metadata";
    }
    void safetensorsHostileFiles()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath("hostile.safetensors");
        QVERIFY(writeAll(path, content));
        const auto result = readSafetensors(str(path));
        QVERIFY(!result.ok());
        const QString message = QString::fromStdString(result.error().toString());
        QVERIFY2(message.contains(path), qPrintable(message));
        QVERIFY2(message.contains(expected, Qt::CaseInsensitive), qPrintable(message));
        // The sniffing entry point refuses them too, naming the file.
        const auto sniffed = readCheckpointFile(str(path));
        QVERIFY(!sniffed.ok());
        QVERIFY2(QString::fromStdString(sniffed.error().toString()).contains(path), sniffed.error().toString().c_str());
    }

    void safetensorsTruncatedRealFile()
    {
        QTemporaryDir dir;
        TensorMap in;
        in.insert("w", torch::randn({64, 64}));
        const QString path = dir.filePath("cut.safetensors");
        QVERIFY(writeSafetensors(str(path), in).ok());
        QByteArray bytes = readAll(path);
        bytes.chop(100);
        QVERIFY(writeAll(path, bytes));
        const auto result = readSafetensors(str(path));
        QVERIFY(!result.ok());
        QVERIFY(QString::fromStdString(result.error().toString()).contains(QStringLiteral("Truncated")));
        QCOMPARE(result.error().path, str(path));
    }

    void safetensorsHeaderLengthLooksLikePickle()
    {
        // A header of 128 bytes makes the file start with 0x80, the pickle protocol byte; the
        // content sniffer must still read it as safetensors (a real fp16 model hit this).
        QTemporaryDir dir;
        QByteArray header = R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})";
        header.append(QByteArray(128 - header.size(), ' '));
        QByteArray bytes(8, '\0');
        bytes[0] = char(0x80);
        bytes += header;
        const float one = 1.0f;
        bytes.append(reinterpret_cast<const char *>(&one), 4);
        const QString path = dir.filePath("model.safetensors");
        QVERIFY(writeAll(path, bytes));
        const auto result = readCheckpointFile(str(path));
        QVERIFY2(result.ok(), result.ok() ? "" : result.error().toString().c_str());
        QCOMPARE(result->at("a").item<float>(), 1.0f);
    }

    void safetensorsMissingFileAndUnwritableDestination()
    {
        QTemporaryDir dir;
        const QString missing = dir.filePath("nope.safetensors");
        const auto r = readSafetensors(str(missing));
        QVERIFY(!r.ok());
        QCOMPARE(r.error().path, str(missing));

        TensorMap in;
        in.insert("w", torch::ones({2}));
        const QString bad = dir.filePath("no/such/dir/x.safetensors");
        const Status s = writeSafetensors(str(bad), in);
        QVERIFY(!s.ok());
        QCOMPARE(s.error().path, str(bad));

        // A failed write leaves an existing file untouched.
        const QString existing = dir.filePath("keep.safetensors");
        QVERIFY(writeSafetensors(str(existing), in).ok());
        const QByteArray before = readAll(existing);
        TensorMap badMap;
        badMap.insert("c", torch::zeros({2}, torch::kComplexFloat));
        QVERIFY(!writeSafetensors(str(existing), badMap).ok());
        QCOMPARE(readAll(existing), before);
    }

    void pytorchBinMatchesSafetensorsCopy()
    {
        SATGPT_REQUIRE_SHARED("fixtures/hf-parity/models/vit_gpt2_tiny_bin/pytorch_model.bin");
        const std::string bin = str(test::sharedPath(QStringLiteral("fixtures/hf-parity/models/vit_gpt2_tiny_bin/pytorch_model.bin")));
        const std::string st = str(test::sharedPath(QStringLiteral("fixtures/hf-parity/models/vit_gpt2_tiny/model.safetensors")));
        auto fromBin = readPytorchBin(bin);
        QVERIFY2(fromBin.ok(), fromBin.ok() ? "" : fromBin.error().toString().c_str());
        auto fromSt = readSafetensors(st);
        QVERIFY(fromSt.ok());
        QCOMPARE(fromBin->size(), size_t(85));
        QCOMPARE(fromSt->size(), size_t(84));
        for (const std::string &name : fromSt->names) {
            QVERIFY2(fromBin->contains(name), name.c_str());
            QVERIFY2(bitIdentical(fromBin->at(name), fromSt->at(name)), name.c_str());
        }
        // lm_head is tied to wte: one storage, as torch.load would give.
        const torch::Tensor &head = fromBin->at("decoder.lm_head.weight");
        const torch::Tensor &wte = fromBin->at("decoder.transformer.wte.weight");
        QVERIFY(head.is_alias_of(wte));
        QVERIFY(head.data_ptr() == wte.data_ptr());
        QVERIFY(torch::equal(head, fromSt->at("decoder.transformer.wte.weight")));

        // Sniffing goes by content, not by name.
        QTemporaryDir dir;
        const QString misnamed = dir.filePath(QStringLiteral("model.safetensors"));
        QVERIFY(QFile::copy(QString::fromStdString(bin), misnamed));
        auto sniffed = readCheckpointFile(str(misnamed));
        QVERIFY2(sniffed.ok(), sniffed.ok() ? "" : sniffed.error().toString().c_str());
        QCOMPARE(sniffed->size(), size_t(85));
        auto sniffedSt = readCheckpointFile(st);
        QVERIFY(sniffedSt.ok());
        QCOMPARE(sniffedSt->size(), size_t(84));

        // Converting drops the tied lm_head and gives HF's own safetensors file byte for byte.
        const QString converted = dir.filePath(QStringLiteral("converted.safetensors"));
        auto report = convertCheckpointToSafetensors(bin, str(converted));
        QVERIFY2(report.ok(), report.ok() ? "" : report.error().toString().c_str());
        QCOMPARE(report->tensorsWritten, size_t(84));
        QCOMPARE(report->dropped.size(), size_t(1));
        QVERIFY(QString::fromStdString(report->dropped.front()).startsWith(QStringLiteral("decoder.lm_head.weight")));
        QCOMPARE(readAll(converted), readAll(QString::fromStdString(st)));
    }

    void pytorchBinViewsAndSharedStorage()
    {
        // Storage 0: 12 floats; "t" is a transposed 3x2 view at offset 2, "u" the whole storage
        // as 3x4, "h" a half tensor from its own storage, "p" a Parameter around a tensor.
        std::vector<float> values(12);
        for (int i = 0; i < 12; ++i)
            values[size_t(i)] = float(i) * 0.5f;
        PickleWriter w;
        w.b += '}';
        w.b += '(';
        w.tensor("t", "0", 12, 2, {3, 2}, {1, 3});
        w.tensor("u", "0", 12, 0, {3, 4}, {4, 1});
        w.tensor("h", "1", 2, 0, {2}, {1}, "HalfStorage");
        w.string("p");
        w.global("torch._utils", "_rebuild_parameter");
        w.b += '(';
        w.tensorValue("2", 1, 0, {}, {}, "LongStorage");
        w.b += QByteArray("\x88", 1);
        w.global("collections", "OrderedDict");
        w.b += ")R";
        w.b += "tR";
        w.b += 'u';
        w.b += '.';
        const std::vector<uint16_t> halves{0x3C00, 0xC000}; // 1.0, -2.0
        const qint64 big = 1234567890123LL;
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("views.bin"));
        QVERIFY(writeAll(path, makeZip({{"archive/data.pkl", w.b},
                                        {"archive/data/0", floatsBytes(values)},
                                        {"archive/data/1", QByteArray(reinterpret_cast<const char *>(halves.data()), 4)},
                                        {"archive/data/2", QByteArray(reinterpret_cast<const char *>(&big), 8)},
                                        {"archive/version", "3\n"}})));
        auto r = readCheckpointFile(str(path));
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().toString().c_str());
        QCOMPARE(r->names, (std::vector<std::string>{"t", "u", "h", "p"}));
        const torch::Tensor u = r->at("u"), t = r->at("t");
        QVERIFY(torch::equal(u, torch::arange(12, torch::kFloat).mul(0.5).reshape({3, 4})));
        QVERIFY(t.is_alias_of(u));
        QCOMPARE(t.sizes().vec(), (std::vector<int64_t>{3, 2}));
        QCOMPARE(t.strides().vec(), (std::vector<int64_t>{1, 3}));
        QCOMPARE(t.storage_offset(), int64_t(2));
        QCOMPARE(t[2][1].item<float>(), values[2 + 2 * 1 + 1 * 3]);
        QVERIFY(torch::equal(r->at("h"), torch::tensor({1.0, -2.0}).to(torch::kHalf)));
        QCOMPARE(r->at("p").dim(), int64_t(0));
        QCOMPARE(r->at("p").item<int64_t>(), big);
    }

    void pytorchBinDeflatedEntries()
    {
        // torch writes stored entries, but other zip tools deflate; both read the same.
        std::vector<float> values{1.5f, -2.0f, 3.25f, 0.0f};
        PickleWriter w;
        w.b += '}';
        w.b += '(';
        w.tensor("w", "0", 4, 0, {2, 2}, {2, 1});
        w.b += "u.";
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("deflated.bin"));
        QVERIFY(writeAll(path, makeZip({{"m/data.pkl", w.b}, {"m/data/0", floatsBytes(values)}}, true)));
        auto r = readCheckpointFile(str(path));
        // Needs zlib (core/ml links it when CMake finds it; Debian/CI always have it).
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().toString().c_str());
        QVERIFY(torch::equal(r->at("w"), torch::tensor({1.5f, -2.0f, 3.25f, 0.0f}).reshape({2, 2})));
    }

    void convertDropsTiedHeadAndAttentionBuffers()
    {
        // A GPT-2 state dict as older transformers saved it: causal-mask buffers, and lm_head
        // sharing wte's storage.
        std::vector<float> wte{1, 2, 3, 4, 5, 6};
        std::vector<float> other{9, 8, 7, 6};
        const std::vector<uint8_t> mask{1, 0, 1, 1};
        PickleWriter w;
        w.b += '}';
        w.b += '(';
        w.tensor("transformer.wte.weight", "0", 6, 0, {3, 2}, {2, 1});
        w.tensor("transformer.h.0.attn.bias", "2", 4, 0, {1, 1, 2, 2}, {4, 4, 2, 1}, "BoolStorage");
        w.tensor("transformer.h.0.attn.masked_bias", "1", 4, 0, {}, {});
        w.tensor("transformer.h.0.attn.c_attn.bias", "1", 4, 0, {4}, {1});
        w.tensor("lm_head.weight", "0", 6, 0, {3, 2}, {2, 1});
        w.b += "u.";
        QTemporaryDir dir;
        const QString in = dir.filePath(QStringLiteral("pytorch_model.bin"));
        QVERIFY(writeAll(in, makeZip({{"pytorch_model/data.pkl", w.b},
                                      {"pytorch_model/data/0", floatsBytes(wte)},
                                      {"pytorch_model/data/1", floatsBytes(other)},
                                      {"pytorch_model/data/2", QByteArray(reinterpret_cast<const char *>(mask.data()), 4)}})));
        const QString out = dir.filePath(QStringLiteral("model.safetensors"));
        auto report = convertCheckpointToSafetensors(str(in), str(out));
        QVERIFY2(report.ok(), report.ok() ? "" : report.error().toString().c_str());
        QCOMPARE(report->tensorsWritten, size_t(2));
        QCOMPARE(report->dropped.size(), size_t(3));
        auto back = readSafetensors(str(out));
        QVERIFY(back.ok());
        QCOMPARE(back->names, (std::vector<std::string>{"transformer.h.0.attn.c_attn.bias", "transformer.wte.weight"}));
        QVERIFY(torch::equal(back->at("transformer.wte.weight"), torch::arange(1, 7, torch::kFloat).reshape({3, 2})));

        // An untied head (different values) is kept.
        std::vector<float> head{6, 5, 4, 3, 2, 1};
        PickleWriter u;
        u.b += '}';
        u.b += '(';
        u.tensor("transformer.wte.weight", "0", 6, 0, {3, 2}, {2, 1});
        u.tensor("lm_head.weight", "1", 6, 0, {3, 2}, {2, 1});
        u.b += "u.";
        QVERIFY(writeAll(in, makeZip({{"archive/data.pkl", u.b}, {"archive/data/0", floatsBytes(wte)}, {"archive/data/1", floatsBytes(head)}})));
        auto kept = convertCheckpointToSafetensors(str(in), str(out));
        QVERIFY(kept.ok());
        QCOMPARE(kept->tensorsWritten, size_t(2));
        QVERIFY(kept->dropped.empty());
    }

    void pytorchBinHostile_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("expected");
        const QByteArray storage = floatsBytes(std::vector<float>(4, 1.0f));
        auto withPickle = [&](const QByteArray &pickle) {
            return makeZip({{"archive/data.pkl", pickle}, {"archive/data/0", storage}});
        };
        {
            // The classic exploit: os.system("...") via GLOBAL + REDUCE.
            PickleWriter w;
            w.global("os", "system");
            w.string("echo pwned");
            w.b += QByteArray("\x85R.", 3);
            QTest::newRow("os.system global") << withPickle(w.b) << "'os.system' is not allowed";
        }
        {
            PickleWriter w;
            w.global("torch", "load");
            w.b += '.';
            QTest::newRow("torch.load global") << withPickle(w.b) << "'torch.load' is not allowed";
        }
        {
            PickleWriter w;
            w.b += '}';
            w.b += QByteArray("cbuiltins\neval\n", 15);
            QTest::newRow("builtins.eval") << withPickle(w.b) << "not allowed";
        }
        {
            PickleWriter w;
            w.b += QByteArray("\x8c\x02os\x8c\x06system\x93", 13); // STACK_GLOBAL
            QTest::newRow("stack global") << withPickle(w.b) << "'os.system' is not allowed";
        }
        {
            PickleWriter w;
            w.b += QByteArray("}(X\x01\x00\x00\x00" "a", 8);
            w.b += 'i'; // INST: another way to call, not allowed
            QTest::newRow("INST opcode") << withPickle(w.b) << "opcode 0x69";
        }
        {
            PickleWriter w;
            w.b += '}';
            w.b += '(';
            w.tensor("w", "0", 4, 2, {3}, {1});
            w.b += "u.";
            QTest::newRow("view past its storage") << withPickle(w.b) << "past the end of its storage";
        }
        {
            PickleWriter w;
            w.b += '}';
            w.b += '(';
            w.tensor("w", "0", 400, 0, {400}, {1});
            w.b += "u.";
            QTest::newRow("storage larger than its record") << withPickle(w.b) << "claims 400 elements";
        }
        {
            PickleWriter w;
            w.b += '}';
            w.b += '(';
            w.tensor("w", "7", 4, 0, {4}, {1});
            w.b += "u.";
            QTest::newRow("missing storage record") << withPickle(w.b) << "archive/data/7";
        }
        {
            PickleWriter w;
            w.b += "}(X";
            QTest::newRow("truncated pickle") << withPickle(w.b) << "truncated BINUNICODE";
        }
        {
            PickleWriter w;
            w.b += "h\x05";
            QTest::newRow("memo read before write") << withPickle(w.b) << "memo entry 5";
        }
        {
            PickleWriter w;
            w.b += "]."; // a list, not a state dict
            QTest::newRow("not a dict") << withPickle(w.b) << "not a state dict";
        }
        {
            PickleWriter w;
            w.b += QByteArray("}(X\x01\x00\x00\x00" "aK\x05u.", 12);
            QTest::newRow("non-tensor value") << withPickle(w.b) << "'a' is a int";
        }
        {
            PickleWriter w;
            for (int i = 0; i < 100; ++i)
                w.b += ']';
            for (int i = 0; i < 99; ++i)
                w.b += 'a';
            w.b += '.';
            QTest::newRow("deep nesting") << withPickle(w.b) << "nested too deeply";
        }
        QTest::newRow("TorchScript archive")
            << makeZip({{"model/data.pkl", "\x80\x02}."}, {"model/constants.pkl", "\x80\x02)."}, {"model/code/__torch__/m.py", "x"}})
            << "TorchScript";
        QTest::newRow("zip without data.pkl") << makeZip({{"a/readme.txt", "hello"}}) << "data.pkl";
        QTest::newRow("raw pickle") << QByteArray("\x80\x02\x8a\x0al\xfc\x9c" "F\xf9 j\xa8P\x19.", 15) << "legacy/arbitrary pickle";
        QTest::newRow("unknown format") << QByteArray("GIF89a and then some bytes") << "Unknown checkpoint format";
        QTest::newRow("empty") << QByteArray() << "empty";
        {
            QByteArray zip = withPickle("\x80\x02}.");
            zip.chop(30);
            QTest::newRow("truncated zip") << zip << "zip";
        }
        {
            QByteArray zip = withPickle("\x80\x02}.");
            zip[48] = char(zip[48] ^ 0x55); // inside data.pkl's bytes (they start at 30 + 16)
            QTest::newRow("corrupt entry (CRC)") << zip << "CRC mismatch";
        }
    }
    void pytorchBinHostile()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("hostile.bin"));
        QVERIFY(writeAll(path, content));
        const auto result = readCheckpointFile(str(path));
        QVERIFY(!result.ok());
        const QString message = QString::fromStdString(result.error().toString());
        QVERIFY2(message.contains(path), qPrintable(message));
        QVERIFY2(message.contains(expected), qPrintable(message));
    }
};

QTEST_GUILESS_MAIN(TestCheckpointIo)
#include "tst_checkpointio.moc"
