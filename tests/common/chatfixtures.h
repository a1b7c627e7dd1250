// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Fixtures for the chat tests (tst_chat, tst_chatpanel): a tiny random vision-language model
// with a GPT-2 tokenizer cut to its 1000-token vocabulary, and a small georeferenced 8-bit
// RGB GeoTIFF written with GDAL.

#include "tests/common/testsupport.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

#include <gdal.h>
#include <ogr_srs_api.h>

namespace satgpt::test {

/// The HF parity fixture vit_gpt2_tiny (ViT 32 px + GPT-2 with cross-attention, 1000 tokens,
/// random weights) plus GPT-2's tokenizer restricted to its first 999 ids and the end-of-text
/// token at 999 (the model's eos). GPT-2 numbers merge r as id 256 + r, so the first 743
/// merges are exactly those that produce the kept ids. Empty string and `why` set on failure.
inline QString writeTinyChatModel(const QString &dir, QString *why)
{
    const QString src = sharedPath(QStringLiteral("fixtures/hf-parity/models/vit_gpt2_tiny"));
    const QString tok = sharedPath(QStringLiteral("fixtures/gpt2-tokenizer"));
    if (src.isEmpty() || !QFileInfo::exists(src) || !QFileInfo::exists(tok)) {
        *why = QStringLiteral("../shared/fixtures (hf-parity, gpt2-tokenizer) is not present");
        return {};
    }
    QDir().mkpath(dir);
    for (const char *f : {"config.json", "model.safetensors", "generation_config.json", "preprocessor_config.json"}) {
        QFile::remove(dir + QLatin1Char('/') + QLatin1String(f));
        if (!QFile::copy(src + QLatin1Char('/') + QLatin1String(f), dir + QLatin1Char('/') + QLatin1String(f))) {
            *why = QStringLiteral("cannot copy %1").arg(QLatin1String(f));
            return {};
        }
    }
    QFile enc(tok + QStringLiteral("/encoder.json"));
    if (!enc.open(QIODevice::ReadOnly)) {
        *why = enc.fileName() + QStringLiteral(": cannot read");
        return {};
    }
    const QJsonObject full = QJsonDocument::fromJson(enc.readAll()).object();
    QJsonObject vocab;
    for (auto it = full.begin(); it != full.end(); ++it)
        if (it.value().toInt() < 999)
            vocab.insert(it.key(), it.value());
    vocab.insert(QStringLiteral("<|endoftext|>"), 999);
    QFile v(dir + QStringLiteral("/vocab.json"));
    if (!v.open(QIODevice::WriteOnly) || v.write(QJsonDocument(vocab).toJson(QJsonDocument::Compact)) < 0) {
        *why = v.fileName() + QStringLiteral(": cannot write");
        return {};
    }
    v.close();
    QFile bpe(tok + QStringLiteral("/vocab.bpe"));
    QFile merges(dir + QStringLiteral("/merges.txt"));
    if (!bpe.open(QIODevice::ReadOnly | QIODevice::Text) || !merges.open(QIODevice::WriteOnly | QIODevice::Text)) {
        *why = QStringLiteral("cannot copy the merges");
        return {};
    }
    QTextStream in(&bpe), out(&merges);
    out << in.readLine() << '\n'; // "#version: 0.2"
    for (int r = 0; r < 999 - 256 && !in.atEnd(); ++r)
        out << in.readLine() << '\n';
    return dir;
}

/// A 3-band Byte GeoTIFF, north-up in UTM 32N, 10 m pixels, origin (500000, 5000000); the value
/// of band b at (x, y) is a smooth pattern (see chatSceneValue()).
inline uint8_t chatSceneValue(int band, int x, int y)
{
    return uint8_t((x * (band + 1) + y * (4 - band) + (band * 37)) % 256);
}

inline QString writeChatScene(const QString &path, int width = 160, int height = 120, double originX = 500000.0,
                              bool withOverviews = false)
{
    GDALAllRegister();
    GDALDriverH drv = GDALGetDriverByName("GTiff");
    GDALDatasetH ds = GDALCreate(drv, path.toUtf8().constData(), width, height, 3, GDT_Byte, nullptr);
    if (!ds)
        return {};
    double gt[6] = {originX, 10.0, 0.0, 5000000.0, 0.0, -10.0};
    GDALSetGeoTransform(ds, gt);
    OGRSpatialReferenceH srs = OSRNewSpatialReference(nullptr);
    OSRImportFromEPSG(srs, 32632);
    GDALSetSpatialRef(ds, srs);
    OSRDestroySpatialReference(srs);
    std::vector<uint8_t> buf(size_t(width) * size_t(height));
    for (int b = 1; b <= 3; ++b) {
        for (int y = 0; y < height; ++y)
            for (int x = 0; x < width; ++x)
                buf[size_t(y) * size_t(width) + size_t(x)] = chatSceneValue(b, x, y);
        GDALRasterBandH band = GDALGetRasterBand(ds, b);
        GDALSetRasterColorInterpretation(band, b == 1 ? GCI_RedBand : b == 2 ? GCI_GreenBand : GCI_BlueBand);
        if (GDALRasterIO(band, GF_Write, 0, 0, width, height, buf.data(), width, height, GDT_Byte, 0, 0) != CE_None) {
            GDALClose(ds);
            return {};
        }
    }
    if (withOverviews) {
        int levels[] = {2, 4};
        GDALBuildOverviews(ds, "AVERAGE", 2, levels, 0, nullptr, nullptr, nullptr);
    }
    GDALClose(ds);
    return path;
}

} // namespace satgpt::test
