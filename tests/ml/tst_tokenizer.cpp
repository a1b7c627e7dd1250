// SPDX-License-Identifier: GPL-3.0-or-later
// GPT-2 tokenizer against the reference fixtures, and BPE training.

#include "core/ml/bpetrainer.h"
#include "core/ml/tokenizer.h"

#include "tests/common/testsupport.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <fstream>

using namespace satgpt;
using namespace satgpt::ml;

namespace {

std::string fromHex(const std::string &hex)
{
    std::string out;
    for (size_t i = 0; i + 1 < hex.size(); i += 2)
        out += char(std::stoi(hex.substr(i, 2), nullptr, 16));
    return out;
}

nlohmann::json loadCases()
{
    std::ifstream in(test::sharedPath(QStringLiteral("fixtures/gpt2-tokenizer/cases.json")).toStdString());
    return nlohmann::json::parse(in, nullptr, false);
}

bool writeText(const QString &path, const QByteArray &text)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(text) == text.size();
}

std::vector<int64_t> idsOf(const nlohmann::json &j) { return j.get<std::vector<int64_t>>(); }

QByteArray q(const std::string &s) { return QByteArray::fromStdString(s); }

const char *kCorpus[] = {
    "There is a piece of farmland .",
    "There is a piece of cropland .",
    "Many buildings and green trees are in a dense residential area .",
    "Many buildings are in a dense residential area .",
    "A river runs through the farmland near some buildings .",
    "Two tennis courts are surrounded by green trees .",
    "An airplane is parked at the airport near the runway .",
    "Several airplanes are parked at the airport .",
    "The harbor has many boats and a long pier .",
    "Some storage tanks are next to a road .",
};

} // namespace

class TestTokenizer : public QObject
{
    Q_OBJECT

private:
    Gpt2Tokenizer m_gpt2;
    bool m_haveGpt2 = false;

    void requireGpt2()
    {
        if (!m_haveGpt2)
            QSKIP("../shared/fixtures/gpt2-tokenizer is not present; skipping the GPT-2 parity tests");
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString dir = test::sharedPath(QStringLiteral("fixtures/gpt2-tokenizer"));
        if (dir.isEmpty() || !QFileInfo::exists(dir))
            return;
        auto t = Gpt2Tokenizer::load(dir.toStdString());
        QVERIFY2(t.ok(), t.ok() ? "" : t.error().toString().c_str());
        m_gpt2 = std::move(t).value();
        m_haveGpt2 = true;
    }

    void gpt2Basics()
    {
        requireGpt2();
        QCOMPARE(m_gpt2.vocabSize(), int64_t(50257));
        QCOMPARE(m_gpt2.eosId(), int64_t(50256));
        QCOMPARE(m_gpt2.tokenId("<|endoftext|>"), int64_t(50256));
        QCOMPARE(m_gpt2.tokenId("Ġworld"), int64_t(995));
        QCOMPARE(m_gpt2.tokenId("no such token"), int64_t(-1));
        QCOMPARE(m_gpt2.mergeCount(), size_t(50000));
        QVERIFY(m_gpt2.isSpecial(50256));
        QCOMPARE(m_gpt2.tokenString(15496), std::string("Hello"));
    }

    void fixtureCases()
    {
        requireGpt2();
        const nlohmann::json cases = loadCases();
        QVERIFY(!cases.is_discarded());
        QCOMPARE(int(cases["cases"].size()), 70);
        int checkedNoSpecial = 0, checkedSkip = 0, checkedCleanUp = 0;
        for (const auto &c : cases["cases"]) {
            const std::string text = fromHex(c["utf8_hex"].get<std::string>());
            QCOMPARE(text, c["text"].get<std::string>());
            const QByteArray label = "case " + QByteArray::number(c["id"].get<int>()) + ": " + q(text);
            QVERIFY2(Gpt2Tokenizer::pretokenize(text) == c["pretokens"].get<std::vector<std::string>>(), label);
            const std::vector<int64_t> ids = m_gpt2.encode(text);
            QVERIFY2(ids == idsOf(c["ids"]), label);
            QVERIFY2(m_gpt2.tokenize(text) == c["tokens"].get<std::vector<std::string>>(), label);
            QVERIFY2(m_gpt2.decode(ids) == c["decoded"].get<std::string>(), label);
            QVERIFY2(m_gpt2.decode(ids) == text, label); // every case round-trips
            if (c.contains("ids_no_special")) {
                QVERIFY2(m_gpt2.encodeOrdinary(text) == idsOf(c["ids_no_special"]), label);
                ++checkedNoSpecial;
            } else {
                QVERIFY2(m_gpt2.encodeOrdinary(text) == ids, label);
            }
            if (c.contains("decoded_skip_special_tokens")) {
                QVERIFY2(m_gpt2.decode(ids, true) == c["decoded_skip_special_tokens"].get<std::string>(), label);
                ++checkedSkip;
            }
            if (c.contains("decoded_clean_up_tokenization_spaces")) {
                QVERIFY2(m_gpt2.decode(ids, false, true) == c["decoded_clean_up_tokenization_spaces"].get<std::string>(),
                         label);
                ++checkedCleanUp;
            }
        }
        // The optional fields exist in the fixture; make sure they were exercised.
        QVERIFY(checkedNoSpecial > 0);
        QVERIFY(checkedSkip > 0);
        QVERIFY(checkedCleanUp > 0);
    }

    void fixtureDecodeCases()
    {
        requireGpt2();
        const nlohmann::json cases = loadCases();
        QCOMPARE(int(cases["decode_cases"].size()), 7);
        for (const auto &c : cases["decode_cases"]) {
            const std::vector<int64_t> ids = idsOf(c["ids"]);
            std::vector<std::string> tokens;
            for (int64_t id : ids)
                tokens.push_back(m_gpt2.tokenString(id));
            QVERIFY(tokens == c["tokens"].get<std::vector<std::string>>());
            QCOMPARE(q(m_gpt2.decode(ids)), q(c["decoded"].get<std::string>()));
        }
    }

    void replacementFollowsMaximalSubparts()
    {
        requireGpt2();
        // Byte tokens for invalid UTF-8: ED A0 80 (a surrogate) is three maximal subparts in
        // Python, F0 9F 98 then 'A' is one, a lone continuation byte is one.
        auto byteId = [&](unsigned char b) {
            std::string s;
            const char32_t c = Gpt2Tokenizer::byteToUnicode(b);
            if (c < 0x80)
                s += char(c);
            else {
                s += char(0xC0 | (c >> 6));
                s += char(0x80 | (c & 0x3F));
            }
            return m_gpt2.tokenId(s);
        };
        QCOMPARE(q(m_gpt2.decode({byteId(0xED), byteId(0xA0), byteId(0x80)})), QByteArray("\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"));
        QCOMPARE(q(m_gpt2.decode({byteId(0xF0), byteId(0x9F), byteId(0x98), byteId('A')})), QByteArray("\xEF\xBF\xBD" "A"));
        QCOMPARE(q(m_gpt2.decode({byteId(0x80), byteId('x')})), QByteArray("\xEF\xBF\xBDx"));
        QCOMPARE(q(m_gpt2.decode({byteId(0xC0), byteId(0xAF)})), QByteArray("\xEF\xBF\xBD\xEF\xBF\xBD"));
        // Invalid input bytes are still encoded (as byte tokens) and come back replaced.
        const std::vector<int64_t> ids = m_gpt2.encode("ab\xFF" "cd");
        QVERIFY(!ids.empty());
        QCOMPARE(q(m_gpt2.decode(ids)), QByteArray("ab\xEF\xBF\xBD" "cd"));
        // Unknown ids are skipped rather than crashing.
        QCOMPARE(m_gpt2.decode({15496, -5, 999999999}), std::string("Hello"));
    }

    void saveAndReload()
    {
        requireGpt2();
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const Status saved = m_gpt2.save(dir.path().toStdString());
        QVERIFY2(saved.ok(), saved.ok() ? "" : saved.error().toString().c_str());
        for (const char *f : {"vocab.json", "merges.txt", "special_tokens_map.json", "tokenizer_config.json"})
            QVERIFY2(QFileInfo::exists(dir.filePath(QString::fromLatin1(f))), f);
        auto back = Gpt2Tokenizer::load(dir.path().toStdString());
        QVERIFY2(back.ok(), back.ok() ? "" : back.error().toString().c_str());
        QCOMPARE(back->vocabSize(), m_gpt2.vocabSize());
        QCOMPARE(back->mergeCount(), m_gpt2.mergeCount());
        QVERIFY(back->merges() == m_gpt2.merges());
        for (const auto &c : loadCases()["cases"]) {
            const std::string text = c["text"].get<std::string>();
            QVERIFY(back->encode(text) == idsOf(c["ids"]));
        }
        // vocab.json alone names its merges file's directory.
        auto viaFile = Gpt2Tokenizer::load(dir.filePath(QStringLiteral("vocab.json")).toStdString());
        QVERIFY(viaFile.ok());
        QCOMPARE(viaFile->encode("Hello world"), (std::vector<int64_t>{15496, 995}));
    }

    void tokenizerJsonFormat()
    {
        // A tiny HF tokenizer.json built in the test: model.vocab, model.merges, added_tokens.
        nlohmann::json vocab = nlohmann::json::object();
        for (int b = 0; b < 256; ++b) {
            std::string s;
            const char32_t c = Gpt2Tokenizer::byteToUnicode(static_cast<unsigned char>(b));
            if (c < 0x80)
                s += char(c);
            else {
                s += char(0xC0 | (c >> 6));
                s += char(0x80 | (c & 0x3F));
            }
            vocab[s] = b;
        }
        vocab["ab"] = 256;
        vocab["Ġab"] = 257;
        nlohmann::json tj = {{"version", "1.0"},
                             {"added_tokens", {{{"id", 258}, {"content", "<|endoftext|>"}, {"special", true}}}},
                             {"model", {{"type", "BPE"}, {"vocab", vocab}, {"merges", {"a b", {"Ġ", "ab"}}}}}};
        QTemporaryDir dir;
        QVERIFY(writeText(dir.filePath(QStringLiteral("tokenizer.json")), q(tj.dump())));
        auto t = Gpt2Tokenizer::load(dir.path().toStdString());
        QVERIFY2(t.ok(), t.ok() ? "" : t.error().toString().c_str());
        QCOMPARE(t->vocabSize(), int64_t(259));
        QCOMPARE(t->eosId(), int64_t(258));
        QCOMPARE(t->encode("ab ab<|endoftext|>"), (std::vector<int64_t>{256, 257, 258}));
        QCOMPARE(t->decode({256, 257, 258}, true), std::string("ab ab"));
    }

    void loadErrorsNameTheFile()
    {
        QTemporaryDir dir;
        const std::string missing = dir.filePath(QStringLiteral("nothing-here")).toStdString();
        auto r = Gpt2Tokenizer::load(missing);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().path, missing);

        // An empty directory.
        auto e = Gpt2Tokenizer::load(dir.path().toStdString());
        QVERIFY(!e.ok());
        QVERIFY(QString::fromStdString(e.error().toString()).contains(QStringLiteral("No tokenizer found")));

        // A malformed merges line is reported with its file and line number.
        QVERIFY(writeText(dir.filePath(QStringLiteral("vocab.json")), "{\"a\": 0}"));
        QVERIFY(writeText(dir.filePath(QStringLiteral("merges.txt")), "#version: 0.2\na b\nthree part line\n"));
        auto m = Gpt2Tokenizer::load(dir.path().toStdString());
        QVERIFY(!m.ok());
        QCOMPARE(m.error().path, dir.filePath(QStringLiteral("merges.txt")).toStdString());
        QVERIFY(QString::fromStdString(m.error().message).contains(QStringLiteral("line 3")));

        // A vocabulary that is not byte-level is refused, naming the vocabulary file.
        QVERIFY(writeText(dir.filePath(QStringLiteral("merges.txt")), "#version: 0.2\n"));
        auto v = Gpt2Tokenizer::load(dir.path().toStdString());
        QVERIFY(!v.ok());
        QCOMPARE(v.error().path, dir.filePath(QStringLiteral("vocab.json")).toStdString());
        QVERIFY(QString::fromStdString(v.error().message).contains(QStringLiteral("byte")));

        // One huge id must not make the loader allocate a table of billions of entries.
        QVERIFY(writeText(dir.filePath(QStringLiteral("vocab.json")), "{\"a\": 2000000000}"));
        auto sparse = Gpt2Tokenizer::load(dir.path().toStdString());
        QVERIFY(!sparse.ok());
        QCOMPARE(sparse.error().path, dir.filePath(QStringLiteral("vocab.json")).toStdString());
        QVERIFY(QString::fromStdString(sparse.error().message).contains(QStringLiteral("sparse")));

        // Not JSON at all.
        QVERIFY(writeText(dir.filePath(QStringLiteral("vocab.json")), "\x80\x02garbage"));
        auto j = Gpt2Tokenizer::load(dir.path().toStdString());
        QVERIFY(!j.ok());
        QCOMPARE(j.error().path, dir.filePath(QStringLiteral("vocab.json")).toStdString());
    }

    void trainOnGeneratedCorpus()
    {
        QTemporaryDir dir;
        QByteArray text;
        for (int repeat = 0; repeat < 3; ++repeat)
            for (const char *line : kCorpus)
                text += QByteArray(line) + "\n";
        const QString corpus = dir.filePath(QStringLiteral("corpus.txt"));
        QVERIFY(writeText(corpus, text));

        BpeTrainer trainer;
        QVERIFY(trainer.addPath(corpus.toStdString()).ok());
        QCOMPARE(trainer.textCount(), size_t(30));
        BpeTrainerOptions options;
        options.vocabSize = 300;
        auto trained = trainer.train(options);
        QVERIFY2(trained.ok(), trained.ok() ? "" : trained.error().toString().c_str());
        const Gpt2Tokenizer &t = *trained;
        QCOMPARE(t.vocabSize(), int64_t(300));
        QCOMPARE(t.eosId(), int64_t(299));
        QVERIFY(t.mergeCount() >= size_t(43)); // 43 learned tokens; a re-spelled token adds a merge only
        // Byte tokens keep GPT-2's ids, so byte-level pieces mean the same in both vocabularies.
        QCOMPARE(t.tokenId("!"), int64_t(0));
        QCOMPARE(t.tokenId("Ġ"), int64_t(220));

        for (const char *line : kCorpus) {
            const std::vector<int64_t> ids = t.encode(line);
            QCOMPARE(t.decode(ids), std::string(line));
            QVERIFY2(ids.size() < std::strlen(line), line);
        }
        // Text the trainer never saw (and specials) still round-trips through byte tokens.
        const std::string unseen = "Zürich 🛰️ <|endoftext|> xyz";
        QCOMPARE(t.decode(t.encode(unseen)), unseen);
        QCOMPARE(t.encode("<|endoftext|>"), std::vector<int64_t>{299});

        // Deterministic: the same input gives the same merges.
        BpeTrainer again;
        for (int repeat = 0; repeat < 3; ++repeat)
            for (int k = int(std::size(kCorpus)) - 1; k >= 0; --k) // other order, same counts
                again.addText(kCorpus[k]);
        auto trained2 = again.train(options);
        QVERIFY(trained2.ok());
        QVERIFY(trained2->merges() == t.merges());

        // Saved in GPT-2 format and loaded back by the normal loader.
        const QString out = dir.filePath(QStringLiteral("tok"));
        QVERIFY(t.save(out.toStdString()).ok());
        auto back = Gpt2Tokenizer::load(out.toStdString());
        QVERIFY2(back.ok(), back.ok() ? "" : back.error().toString().c_str());
        QCOMPARE(back->vocabSize(), t.vocabSize());
        for (const char *line : kCorpus)
            QCOMPARE(back->encode(line), t.encode(line));
        QFile merges(out + QStringLiteral("/merges.txt"));
        QVERIFY(merges.open(QIODevice::ReadOnly));
        QCOMPARE(merges.readLine(), QByteArray("#version: 0.2\n"));

        // Too small a vocabulary is an error, not a crash.
        options.vocabSize = 100;
        QVERIFY(!trainer.train(options).ok());
    }

    void trainAcceptsCaptionJsonFormats()
    {
        QTemporaryDir dir;
        // captions.json style: image -> [captions]
        QVERIFY(writeText(dir.filePath(QStringLiteral("a.json")),
                          R"({"ucm_1.tif": ["There is a piece of farmland .", "It is a piece of cropland ."]})"));
        // records with a "captions" array plus metadata strings that must not be counted
        QVERIFY(writeText(dir.filePath(QStringLiteral("b.json")),
                          R"([{"dataset": "ucm", "original_file": "10.tif", "captions": ["Many buildings are here ."]}])"));
        QVERIFY(writeText(dir.filePath(QStringLiteral("c.txt")), "line one\r\n\r\nline two\n"));
        QVERIFY(writeText(dir.filePath(QStringLiteral("ignored.csv")), "x,y\n"));
        BpeTrainer trainer;
        const Status s = trainer.addPath(dir.path().toStdString());
        QVERIFY2(s.ok(), s.ok() ? "" : s.error().toString().c_str());
        QCOMPARE(trainer.textCount(), size_t(5));

        QVERIFY(writeText(dir.filePath(QStringLiteral("bad.json")), "{not json"));
        BpeTrainer bad;
        const Status b = bad.addFile(dir.filePath(QStringLiteral("bad.json")).toStdString());
        QVERIFY(!b.ok());
        QCOMPARE(b.error().path, dir.filePath(QStringLiteral("bad.json")).toStdString());
    }

    void trainOnSharedCaptions()
    {
        SATGPT_REQUIRE_SHARED("datasets/captions");
        // The whole folder: captions.json (image -> captions) and the text-only records file.
        BpeTrainer trainer;
        const Status s = trainer.addPath(test::sharedPath(QStringLiteral("datasets/captions")).toStdString());
        QVERIFY2(s.ok(), s.ok() ? "" : s.error().toString().c_str());
        QCOMPARE(trainer.textCount(), size_t(70 + 13475));
        BpeTrainerOptions options;
        options.vocabSize = 1000;
        auto t = trainer.train(options);
        QVERIFY2(t.ok(), t.ok() ? "" : t.error().toString().c_str());
        QCOMPARE(t->vocabSize(), int64_t(1000));
        const std::string sentence = "There is a piece of farmland .";
        const auto ids = t->encode(sentence);
        QVERIFY(ids.size() < sentence.size());
        QCOMPARE(t->decode(ids), sentence);
    }
};

QTEST_GUILESS_MAIN(TestTokenizer)
#include "tst_tokenizer.moc"
