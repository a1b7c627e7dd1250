// SPDX-License-Identifier: GPL-3.0-or-later
#include "messagebar.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QTimer>
#include <QToolButton>

namespace satgpt {

MessageBar::MessageBar(QWidget *parent)
    : QFrame(parent)
{
    setObjectName(QStringLiteral("messageBar"));
    setFrameShape(QFrame::StyledPanel);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 4, 4, 4);
    m_title = new QLabel(this);
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    m_text = new QLabel(this);
    m_text->setWordWrap(true);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_action = new QPushButton(this);
    m_action->hide();
    auto *close = new QToolButton(this);
    close->setText(QStringLiteral("\u2715"));
    close->setToolTip(tr("Close this message"));
    close->setAutoRaise(true);
    layout->addWidget(m_title);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_action);
    layout->addWidget(close);
    connect(close, &QToolButton::clicked, this, &QWidget::hide);
    connect(m_action, &QPushButton::clicked, this, [this] {
        auto callback = m_callback;
        hide();
        if (callback)
            callback();
    });
    hide();
}

void MessageBar::showMessage(const QString &title, const QString &text, QtMsgType severity, const QString &actionText,
                             std::function<void()> action)
{
    m_title->setText(title);
    m_text->setText(text);
    m_callback = std::move(action);
    m_action->setVisible(!actionText.isEmpty());
    m_action->setText(actionText);
    QString colour;
    switch (severity) {
    case QtCriticalMsg:
    case QtFatalMsg: colour = QStringLiteral("#f8d7da"); break;
    case QtWarningMsg: colour = QStringLiteral("#fff3cd"); break;
    default: colour = QStringLiteral("#d1ecf1"); break;
    }
    setStyleSheet(QStringLiteral("#messageBar { background: %1; } #messageBar QLabel { color: #202020; }").arg(colour));
    show();
    const int serial = ++m_serial;
    if ((severity == QtInfoMsg || severity == QtDebugMsg) && actionText.isEmpty())
        QTimer::singleShot(10000, this, [this, serial] {
            if (serial == m_serial)
                hide();
        });
}

QString MessageBar::title() const { return m_title->text(); }
QString MessageBar::text() const { return m_text->text(); }

} // namespace satgpt
