// SPDX-License-Identifier: GPL-3.0-or-later
// The heatmap overlay on a real MapCanvas: it covers exactly its scene region at any zoom, the
// threshold hides low values, and the controls drive it.

#include "widgets/heatmap/heatmapcontrols.h"
#include "widgets/heatmap/heatmapoverlay.h"
#include "widgets/mapcanvas/mapcanvas.h"

#include "tests/common/testsupport.h"

#include <QCheckBox>
#include <QComboBox>
#include <QSlider>
#include <QtTest>

#include <cmath>
#include <memory>

using namespace satgpt;

namespace {

ml::HeatMap ramp(int w, int h)
{
    ml::HeatMap m;
    m.width = w;
    m.height = h;
    for (int i = 0; i < w * h; ++i)
        m.values.push_back(float(i) / float(w * h - 1));
    return m;
}

bool sameColour(QRgb a, QRgb b, int tol = 3)
{
    return std::abs(qRed(a) - qRed(b)) <= tol && std::abs(qGreen(a) - qGreen(b)) <= tol
        && std::abs(qBlue(a) - qBlue(b)) <= tol;
}

} // namespace

class TestHeatmapOverlay : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        m_canvas = std::make_unique<MapCanvas>();
        m_canvas->resize(320, 240);
        m_canvas->setScaleBarVisible(false);
        m_overlay = std::make_unique<HeatmapOverlay>();
        m_overlay->setOpacity(1.0);
        m_overlay->setLegendVisible(false);
        m_canvas->setMapTool(m_overlay.get());
    }

    void cleanup()
    {
        m_canvas->setMapTool(nullptr);
        m_overlay.reset();
        m_canvas.reset();
    }

    void paintedAreaMatchesRegion_data()
    {
        QTest::addColumn<double>("scale");
        QTest::addColumn<QPointF>("center");
        QTest::newRow("zoom 2") << 2.0 << QPointF(50, 40);
        QTest::newRow("zoom 0.75") << 0.75 << QPointF(60, 30);
    }

    void paintedAreaMatchesRegion()
    {
        QFETCH(double, scale);
        QFETCH(QPointF, center);
        const QRect region(20, 10, 40, 30);
        m_overlay->setHeatmap(ramp(4, 3), region);
        m_canvas->setCenter(center);
        m_canvas->setScale(scale, QPointF(160, 120));
        QCOMPARE(m_canvas->scale(), scale);

        // Where the region must land: scene pixel -> widget by the canvas's own mapping.
        const QRectF expected(m_canvas->pixelToWidget(region.topLeft()),
                              m_canvas->pixelToWidget(QPointF(region.right() + 1, region.bottom() + 1)));
        const QRectF rect = m_overlay->widgetRect(*m_canvas);
        QVERIFY(std::abs(rect.left() - expected.left()) < 1e-9 && std::abs(rect.top() - expected.top()) < 1e-9);
        QVERIFY(std::abs(rect.width() - region.width() * scale) < 1e-9);
        QVERIFY(std::abs(rect.height() - region.height() * scale) < 1e-9);

        const QImage shot = m_canvas->grab().toImage().convertToFormat(QImage::Format_RGB32);
        QCOMPARE(shot.size(), QSize(320, 240));
        const QRgb background = m_canvas->palette().color(QPalette::Dark).rgb();
        // Scan every pixel: painted exactly inside the region's rectangle (one pixel of
        // tolerance at the edges for smooth scaling), background outside.
        const QRect inner = expected.toAlignedRect().adjusted(1, 1, -1, -1);
        const QRect outer = expected.toAlignedRect().adjusted(-1, -1, 1, 1);
        int painted = 0;
        for (int y = 0; y < shot.height(); ++y) {
            for (int x = 0; x < shot.width(); ++x) {
                const bool isBackground = shot.pixel(x, y) == background;
                if (inner.contains(x, y) && isBackground)
                    QFAIL(qPrintable(QStringLiteral("(%1,%2) inside the region is not painted").arg(x).arg(y)));
                if (!outer.contains(x, y) && !isBackground)
                    QFAIL(qPrintable(QStringLiteral("(%1,%2) outside the region is painted").arg(x).arg(y)));
                painted += isBackground ? 0 : 1;
            }
        }
        QVERIFY(painted >= inner.width() * inner.height());
    }

    void thresholdHidesLowValues()
    {
        const QRect region(0, 0, 40, 30);
        const ml::HeatMap map = ramp(4, 3); // cell i has value i / 11
        m_overlay->setHeatmap(map, region);
        m_overlay->setColorMap(ColorMap::Inferno);
        m_canvas->setCenter(QPointF(20, 15));
        m_canvas->setScale(4.0, QPointF(160, 120)); // each map cell: 40 x 40 widget pixels
        const QRgb background = m_canvas->palette().color(QPalette::Dark).rgb();

        auto cellCentre = [&](int cx, int cy) {
            return m_canvas->pixelToWidget(QPointF((cx + 0.5) * 10, (cy + 0.5) * 10)).toPoint();
        };
        QImage shot = m_canvas->grab().toImage();
        for (int cy = 0; cy < 3; ++cy)
            for (int cx = 0; cx < 4; ++cx)
                QVERIFY(shot.pixel(cellCentre(cx, cy)) != background);

        m_overlay->setThreshold(0.5);
        shot = m_canvas->grab().toImage();
        int hidden = 0;
        for (int cy = 0; cy < 3; ++cy) {
            for (int cx = 0; cx < 4; ++cx) {
                const float v = map.at(cx, cy);
                const QRgb px = shot.pixel(cellCentre(cx, cy));
                if (v < 0.5f) {
                    QVERIFY2(sameColour(px, background), qPrintable(QStringLiteral("cell %1,%2 not hidden").arg(cx).arg(cy)));
                    ++hidden;
                } else {
                    QVERIFY2(sameColour(px, colorMapValue(ColorMap::Inferno, v)),
                             qPrintable(QStringLiteral("cell %1,%2 has the wrong colour").arg(cx).arg(cy)));
                }
            }
        }
        QCOMPARE(hidden, 6);
    }

    void opacityBlendsWithTheScene()
    {
        ml::HeatMap one;
        one.width = one.height = 1;
        one.values = {1.0f};
        m_overlay->setHeatmap(one, QRect(0, 0, 20, 20));
        m_overlay->setColorMap(ColorMap::Jet);
        m_canvas->setCenter(QPointF(10, 10));
        m_canvas->setScale(4.0, QPointF(160, 120));
        const QRgb background = m_canvas->palette().color(QPalette::Dark).rgb();
        const QRgb full = colorMapValue(ColorMap::Jet, 1.0);
        m_overlay->setOpacity(0.5);
        const QRgb px = m_canvas->grab().toImage().pixel(160, 120);
        const QRgb half = qRgb((qRed(full) + qRed(background)) / 2, (qGreen(full) + qGreen(background)) / 2,
                               (qBlue(full) + qBlue(background)) / 2);
        QVERIFY2(sameColour(px, half, 4), qPrintable(QString::number(px, 16)));
        m_overlay->setVisible(false);
        QCOMPARE(m_canvas->grab().toImage().pixel(160, 120), background);
    }

    void legendShowsTheScale()
    {
        m_overlay->setHeatmap(ramp(4, 4), QRect(0, 0, 4, 4), QStringLiteral("Grad-CAM"));
        m_canvas->setCenter(QPointF(2, 2));
        m_canvas->setScale(1.0, QPointF(160, 120));
        const QRgb background = m_canvas->palette().color(QPalette::Dark).rgb();
        QCOMPARE(m_canvas->grab().toImage().pixel(300, 225), background);
        m_overlay->setLegendVisible(true);
        const QImage shot = m_canvas->grab().toImage();
        // The colour bar runs left (low) to right (high) near the bottom-right corner.
        bool foundLow = false, foundHigh = false;
        for (int y = 150; y < 240; ++y) {
            for (int x = 150; x < 320; ++x) {
                foundLow = foundLow || sameColour(shot.pixel(x, y), colorMapValue(ColorMap::Viridis, 0.0), 8);
                foundHigh = foundHigh || sameColour(shot.pixel(x, y), colorMapValue(ColorMap::Viridis, 1.0), 8);
            }
        }
        QVERIFY(foundLow);
        QVERIFY(foundHigh);
    }

    void controlsDriveTheOverlay()
    {
        m_overlay->setHeatmap(ramp(4, 4), QRect(0, 0, 4, 4));
        HeatmapControls controls(m_overlay.get());
        QSignalSpy spy(m_overlay.get(), &HeatmapOverlay::changed);
        controls.thresholdSlider()->setValue(40);
        QCOMPARE(m_overlay->threshold(), 0.4);
        controls.opacitySlider()->setValue(25);
        QCOMPARE(m_overlay->opacity(), 0.25);
        controls.colorMapBox()->setCurrentIndex(controls.colorMapBox()->findData(int(ColorMap::Jet)));
        QVERIFY(m_overlay->colorMap() == ColorMap::Jet);
        controls.legendBox()->setChecked(true);
        QVERIFY(m_overlay->isLegendVisible());
        controls.visibleBox()->setChecked(false);
        QVERIFY(!m_overlay->isVisible());
        QCOMPARE(spy.count(), 5);
        // The overlay may go first; the panel then disables itself instead of crashing.
        m_canvas->setMapTool(nullptr);
        m_overlay.reset();
        QVERIFY(!controls.isEnabled());
        controls.thresholdSlider()->setValue(90);
        m_overlay = std::make_unique<HeatmapOverlay>();
    }

private:
    std::unique_ptr<MapCanvas> m_canvas;
    std::unique_ptr<HeatmapOverlay> m_overlay;
};

QTEST_MAIN(TestHeatmapOverlay)
#include "tst_heatmapoverlay.moc"
