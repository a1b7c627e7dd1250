// SPDX-License-Identifier: GPL-3.0-or-later
// Placeholder entry point; the main window lands with the map canvas.
#include <QApplication>

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    return 0;
}
