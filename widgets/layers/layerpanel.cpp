// SPDX-License-Identifier: GPL-3.0-or-later
#include "layerpanel.h"

#include "widgets/mapcanvas/mapcanvas.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSlider>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace satgpt {

namespace {

constexpr int kIdRole = Qt::UserRole + 1;

QString bandLabel(const BandInfo &band)
{
    QString text = LayerPanel::tr("Band %1").arg(band.index);
    QString extra = band.description.isEmpty() ? band.colorInterpretation : band.description;
    if (!extra.isEmpty() && extra != QLatin1String("Undefined"))
        text += QStringLiteral(" (%1)").arg(extra);
    return text;
}

} // namespace

QString LayerPanel::stretchKindName(StretchKind kind)
{
    switch (kind) {
    case StretchKind::None: return tr("None");
    case StretchKind::MinMax: return tr("Min / max");
    case StretchKind::Percentile: return tr("Percentile clip");
    case StretchKind::StdDev: return tr("Standard deviations");
    case StretchKind::HistogramEqualize: return tr("Histogram equalisation");
    }
    return {};
}

QString LayerPanel::colorMapName(ColorMap map)
{
    switch (map) {
    case ColorMap::Gray: return tr("Grey");
    case ColorMap::Viridis: return tr("Viridis");
    case ColorMap::Inferno: return tr("Inferno");
    case ColorMap::Jet: return tr("Jet");
    case ColorMap::Terrain: return tr("Terrain");
    }
    return {};
}

LayerPanel::LayerPanel(QWidget *parent)
    : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    m_list = new QListWidget(this);
    m_list->setObjectName(QStringLiteral("layerList"));
    m_list->setMinimumHeight(80);
    layout->addWidget(m_list, 1);

    auto *remove = new QPushButton(tr("Remove layer"), this);
    layout->addWidget(remove);
    connect(remove, &QPushButton::clicked, this, [this] {
        if (const int id = selectedLayer())
            Q_EMIT removeRequested(id);
    });

    m_infoLabel = new QLabel(this);
    m_infoLabel->setWordWrap(true);
    m_infoLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_infoLabel);

    auto *display = new QGroupBox(tr("Display"), this);
    auto *form = new QFormLayout(display);
    m_opacity = new QSlider(Qt::Horizontal, display);
    m_opacity->setRange(0, 100);
    m_opacity->setValue(100);
    m_opacity->setToolTip(tr("Layer opacity"));
    form->addRow(tr("Opacity"), m_opacity);

    m_mode = new QComboBox(display);
    m_mode->addItem(tr("RGB composite"));
    m_mode->addItem(tr("Single band"));
    form->addRow(tr("Bands"), m_mode);

    m_bandStack = new QStackedWidget(display);
    auto *rgb = new QWidget(m_bandStack);
    auto *rgbForm = new QFormLayout(rgb);
    rgbForm->setContentsMargins(0, 0, 0, 0);
    m_red = new QComboBox(rgb);
    m_green = new QComboBox(rgb);
    m_blue = new QComboBox(rgb);
    rgbForm->addRow(tr("Red"), m_red);
    rgbForm->addRow(tr("Green"), m_green);
    rgbForm->addRow(tr("Blue"), m_blue);
    auto *single = new QWidget(m_bandStack);
    auto *singleForm = new QFormLayout(single);
    singleForm->setContentsMargins(0, 0, 0, 0);
    m_single = new QComboBox(single);
    m_colorMap = new QComboBox(single);
    for (ColorMap map : {ColorMap::Gray, ColorMap::Viridis, ColorMap::Inferno, ColorMap::Jet, ColorMap::Terrain})
        m_colorMap->addItem(colorMapName(map), int(map));
    singleForm->addRow(tr("Band"), m_single);
    singleForm->addRow(tr("Colour map"), m_colorMap);
    m_bandStack->addWidget(rgb);
    m_bandStack->addWidget(single);
    form->addRow(m_bandStack);
    layout->addWidget(display);

    auto *stretch = new QGroupBox(tr("Stretch"), this);
    auto *sform = new QFormLayout(stretch);
    m_stretchKind = new QComboBox(stretch);
    for (StretchKind k : {StretchKind::None, StretchKind::MinMax, StretchKind::Percentile, StretchKind::StdDev,
                          StretchKind::HistogramEqualize})
        m_stretchKind->addItem(stretchKindName(k), int(k));
    sform->addRow(tr("Kind"), m_stretchKind);
    m_low = new QDoubleSpinBox(stretch);
    m_low->setRange(0.0, 50.0);
    m_low->setSingleStep(0.5);
    m_low->setSuffix(tr(" %"));
    m_high = new QDoubleSpinBox(stretch);
    m_high->setRange(50.0, 100.0);
    m_high->setSingleStep(0.5);
    m_high->setSuffix(tr(" %"));
    sform->addRow(tr("Low percentile"), m_low);
    sform->addRow(tr("High percentile"), m_high);
    m_stdDevs = new QDoubleSpinBox(stretch);
    m_stdDevs->setRange(0.5, 5.0);
    m_stdDevs->setSingleStep(0.25);
    sform->addRow(tr("Standard deviations"), m_stdDevs);
    m_gamma = new QDoubleSpinBox(stretch);
    m_gamma->setRange(0.1, 5.0);
    m_gamma->setSingleStep(0.1);
    sform->addRow(tr("Gamma"), m_gamma);
    layout->addWidget(stretch);
    layout->addStretch();

    connect(m_list, &QListWidget::currentRowChanged, this, [this] {
        if (m_canvas && !m_loading)
            m_canvas->setCurrentLayer(selectedLayer());
        loadControls();
    });
    connect(m_list, &QListWidget::itemChanged, this, [this](QListWidgetItem *item) {
        if (m_canvas && !m_loading)
            m_canvas->setLayerVisible(item->data(kIdRole).toInt(), item->checkState() == Qt::Checked);
    });
    connect(m_opacity, &QSlider::valueChanged, this, [this](int v) {
        if (m_canvas && !m_loading)
            m_canvas->setLayerOpacity(selectedLayer(), v / 100.0);
    });
    connect(m_mode, &QComboBox::currentIndexChanged, this, [this](int i) {
        m_bandStack->setCurrentIndex(i);
        applyControls();
    });
    for (QComboBox *c : {m_red, m_green, m_blue, m_single, m_colorMap, m_stretchKind})
        connect(c, &QComboBox::currentIndexChanged, this, [this] { applyControls(); });
    for (QDoubleSpinBox *s : {m_low, m_high, m_stdDevs, m_gamma})
        connect(s, &QDoubleSpinBox::valueChanged, this, [this] { applyControls(); });
    updateEnabledState();
}

void LayerPanel::setCanvas(MapCanvas *canvas)
{
    if (m_canvas)
        disconnect(m_canvas, nullptr, this, nullptr);
    m_canvas = canvas;
    if (m_canvas)
        connect(m_canvas, &MapCanvas::layersChanged, this, &LayerPanel::rebuildList);
    rebuildList();
}

int LayerPanel::selectedLayer() const
{
    const QListWidgetItem *item = m_list->currentItem();
    return item ? item->data(kIdRole).toInt() : 0;
}

void LayerPanel::selectLayer(int id)
{
    for (int i = 0; i < m_list->count(); ++i)
        if (m_list->item(i)->data(kIdRole).toInt() == id)
            m_list->setCurrentRow(i);
}

void LayerPanel::rebuildList()
{
    const int selected = selectedLayer();
    // Blocked: setting up an item would otherwise report it as toggled and recurse into here.
    QSignalBlocker blocker(m_list);
    m_list->clear();
    if (m_canvas) {
        const QVector<int> ids = m_canvas->layerIds();
        for (auto it = ids.crbegin(); it != ids.crend(); ++it) { // top layer first, as drawn
            auto *item = new QListWidgetItem(m_canvas->layerName(*it), m_list);
            item->setData(kIdRole, *it);
            item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
            item->setCheckState(m_canvas->isLayerVisible(*it) ? Qt::Checked : Qt::Unchecked);
            if (TileRenderer *r = m_canvas->layerRenderer(*it))
                item->setToolTip(r->info().path);
        }
    }
    if (m_list->count() > 0) {
        int row = 0;
        for (int i = 0; i < m_list->count(); ++i)
            if (m_list->item(i)->data(kIdRole).toInt() == selected)
                row = i;
        m_list->setCurrentRow(row);
    }
    blocker.unblock();
    loadControls();
}

void LayerPanel::loadControls()
{
    const bool wasLoading = m_loading;
    m_loading = true;
    TileRenderer *r = m_canvas ? m_canvas->layerRenderer(selectedLayer()) : nullptr;
    if (r) {
        const RasterInfo &info = r->info();
        const RenderSettings &s = r->renderSettings();
        m_infoLabel->setText(tr("%1 x %2 px, %n band(s), %3", nullptr, info.bandCount())
                                 .arg(info.width)
                                 .arg(info.height)
                                 .arg(info.bandCount() > 0 ? pixelTypeName(info.bands.first().type) : QString()));
        for (QComboBox *c : {m_red, m_green, m_blue, m_single}) {
            c->clear();
            for (const BandInfo &b : info.bands)
                c->addItem(bandLabel(b), b.index);
        }
        const QVector<int> &bands = s.composition.bands;
        m_mode->setCurrentIndex(s.composition.isSingleBand() ? 1 : 0);
        m_bandStack->setCurrentIndex(m_mode->currentIndex());
        if (bands.size() == 3) {
            m_red->setCurrentIndex(m_red->findData(bands[0]));
            m_green->setCurrentIndex(m_green->findData(bands[1]));
            m_blue->setCurrentIndex(m_blue->findData(bands[2]));
            m_single->setCurrentIndex(m_single->findData(bands[0]));
        } else if (!bands.isEmpty()) {
            m_single->setCurrentIndex(m_single->findData(bands[0]));
            const int n = info.bandCount();
            m_red->setCurrentIndex(0);
            m_green->setCurrentIndex(std::min(1, n - 1));
            m_blue->setCurrentIndex(std::min(2, n - 1));
        }
        m_colorMap->setCurrentIndex(m_colorMap->findData(int(s.composition.colorMap)));
        m_stretchKind->setCurrentIndex(m_stretchKind->findData(int(s.stretch.kind)));
        m_low->setValue(s.stretch.lowPercent);
        m_high->setValue(s.stretch.highPercent);
        m_stdDevs->setValue(s.stretch.stdDevs);
        m_gamma->setValue(s.stretch.gamma);
        m_opacity->setValue(int(std::lround(m_canvas->layerOpacity(selectedLayer()) * 100)));
    } else {
        m_infoLabel->setText(tr("No layer. Open a scene with File > Open."));
    }
    m_loading = wasLoading;
    updateEnabledState();
}

RenderSettings LayerPanel::settingsFromControls(const RasterInfo &info) const
{
    RenderSettings s;
    if (m_mode->currentIndex() == 1 || info.bandCount() < 1)
        s.composition.bands = {m_single->currentData().toInt()};
    else
        s.composition.bands = {m_red->currentData().toInt(), m_green->currentData().toInt(), m_blue->currentData().toInt()};
    s.composition.colorMap = ColorMap(m_colorMap->currentData().toInt());
    s.stretch.kind = StretchKind(m_stretchKind->currentData().toInt());
    s.stretch.lowPercent = m_low->value();
    s.stretch.highPercent = m_high->value();
    s.stretch.stdDevs = m_stdDevs->value();
    s.stretch.gamma = m_gamma->value();
    return s;
}

void LayerPanel::applyControls()
{
    updateEnabledState();
    if (m_loading || !m_canvas)
        return;
    const int id = selectedLayer();
    TileRenderer *r = m_canvas->layerRenderer(id);
    if (!r)
        return;
    const RenderSettings s = settingsFromControls(r->info());
    if (s.composition.bands.contains(0))
        return;
    m_canvas->setLayerRenderSettings(id, s);
    Q_EMIT renderSettingsEdited(id, s);
}

void LayerPanel::updateEnabledState()
{
    const bool has = m_canvas && m_canvas->layerRenderer(selectedLayer());
    for (QWidget *w : std::initializer_list<QWidget *>{m_opacity, m_mode, m_bandStack, m_stretchKind, m_gamma})
        w->setEnabled(has);
    const auto kind = StretchKind(m_stretchKind->currentData().toInt());
    m_low->setEnabled(has && kind == StretchKind::Percentile);
    m_high->setEnabled(has && kind == StretchKind::Percentile);
    m_stdDevs->setEnabled(has && kind == StretchKind::StdDev);
}

} // namespace satgpt
