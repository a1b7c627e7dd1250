// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Generated scenes for the annotation and project tests: small GeoTIFFs with a known
// geotransform and CRS, written with GDAL into a temporary folder.

#include <QString>

#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <array>
#include <memory>
#include <vector>

namespace satgpt::test {

/// Writes a `width` x `height` GeoTIFF with `bands` Byte bands of a gradient pattern.
/// `epsg` 0 writes no CRS. Returns false on failure.
inline bool writeScene(const QString &path, int width, int height, const std::array<double, 6> &gt, int epsg,
                       int bands = 3, GDALDataType type = GDT_Byte)
{
    GDALDriver *driver = GetGDALDriverManager()->GetDriverByName("GTiff");
    if (!driver)
        return false;
    std::unique_ptr<GDALDataset> ds(driver->Create(path.toUtf8().constData(), width, height, bands, type, nullptr));
    if (!ds)
        return false;
    double t[6];
    std::copy(gt.begin(), gt.end(), t);
    ds->SetGeoTransform(t);
    if (epsg) {
        OGRSpatialReference srs;
        srs.importFromEPSG(epsg);
        ds->SetSpatialRef(&srs);
    }
    std::vector<float> row(size_t(width) * size_t(height));
    for (int b = 1; b <= bands; ++b) {
        for (int y = 0; y < height; ++y)
            for (int x = 0; x < width; ++x)
                row[size_t(y) * width + x] = float((x * (b + 1) + y * 3) % 251);
        if (ds->GetRasterBand(b)->RasterIO(GF_Write, 0, 0, width, height, row.data(), width, height, GDT_Float32, 0, 0)
            != CE_None)
            return false;
    }
    return true;
}

/// UTM 33N, 10 m pixels, origin (500000, 4650000).
inline std::array<double, 6> utmTransform() { return {500000.0, 10.0, 0.0, 4650000.0, 0.0, -10.0}; }
/// Geographic, 0.001 degree pixels, top-left at (10 E, 1 N).
inline std::array<double, 6> geographicTransform() { return {10.0, 0.001, 0.0, 1.0, 0.0, -0.001}; }

} // namespace satgpt::test
