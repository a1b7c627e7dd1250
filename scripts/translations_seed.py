#!/usr/bin/env python3
"""Fills translations/satgpt_{th,de}.ts with the translations kept below for the most visible
strings (menus, docks, layer panel). Run after scripts/update-translations.sh; untranslated
messages stay 'unfinished' so Qt falls back to English for them."""
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

T = {
 "SatGPT Workbench": ("SatGPT เวิร์กเบนช์", "SatGPT Workbench"),
 "Layers": ("ชั้นข้อมูล", "Ebenen"),
 "&Open Scene...": ("&เปิดภาพ...", "Szene ö&ffnen..."),
 "&Quit": ("&ออก", "&Beenden"),
 "Zoom &In": ("&ขยาย", "Ver&größern"),
 "Zoom &Out": ("&ย่อ", "Ver&kleinern"),
 "&Fit to Window": ("&พอดีหน้าต่าง", "An &Fenster anpassen"),
 "&Actual Pixels (1:1)": ("&พิกเซลจริง (1:1)", "&Originalpixel (1:1)"),
 "&Swipe Compare": ("&เปรียบเทียบแบบเลื่อน", "&Wischvergleich"),
 "Scale &Bar": ("&แถบมาตราส่วน", "&Maßstabsleiste"),
 "&Remove Layer": ("&ลบชั้นข้อมูล", "Ebene &entfernen"),
 "&File": ("&ไฟล์", "&Datei"),
 "Open &Recent": ("เปิด&ล่าสุด", "&Zuletzt geöffnet"),
 "&View": ("&มุมมอง", "&Ansicht"),
 "Open Scene": ("เปิดภาพ", "Szene öffnen"),
 "Opening %1...": ("กำลังเปิด %1...", "Öffne %1..."),
 "Cannot open %1": ("ไม่สามารถเปิด %1", "%1 kann nicht geöffnet werden"),
 "Build Overviews": ("สร้างภาพย่อ", "Übersichten erstellen"),
 "Overviews": ("ภาพย่อ", "Übersichten"),
 "Overviews built": ("สร้างภาพย่อแล้ว", "Übersichten erstellt"),
 "Clear Recent Files": ("ล้างรายการไฟล์ล่าสุด", "Liste leeren"),
 "Pixel %1, %2": ("พิกเซล %1, %2", "Pixel %1, %2"),
 "Map %1, %2": ("แผนที่ %1, %2", "Karte %1, %2"),
 "Zoom %1%": ("ซูม %1%", "Zoom %1%"),
 "Band %1": ("แบนด์ %1", "Kanal %1"),
 "None": ("ไม่มี", "Keine"),
 "Min / max": ("ต่ำสุด / สูงสุด", "Min. / Max."),
 "Percentile clip": ("ตัดตามเปอร์เซ็นไทล์", "Perzentil-Schnitt"),
 "Standard deviations": ("ส่วนเบี่ยงเบนมาตรฐาน", "Standardabweichungen"),
 "Histogram equalisation": ("ปรับสมดุลฮิสโตแกรม", "Histogrammausgleich"),
 "Grey": ("เทา", "Grau"),
 "Remove layer": ("ลบชั้นข้อมูล", "Ebene entfernen"),
 "Display": ("การแสดงผล", "Darstellung"),
 "Layer opacity": ("ความทึบของชั้นข้อมูล", "Deckkraft der Ebene"),
 "Opacity": ("ความทึบ", "Deckkraft"),
 "RGB composite": ("ภาพผสม RGB", "RGB-Komposit"),
 "Single band": ("แบนด์เดียว", "Einzelkanal"),
 "Bands": ("แบนด์", "Kanäle"),
 "Red": ("แดง", "Rot"),
 "Green": ("เขียว", "Grün"),
 "Blue": ("น้ำเงิน", "Blau"),
 "Band": ("แบนด์", "Kanal"),
 "Colour map": ("แผนที่สี", "Farbskala"),
 "Stretch": ("การยืดค่า", "Streckung"),
 "Kind": ("ชนิด", "Art"),
 "Low percentile": ("เปอร์เซ็นไทล์ต่ำ", "Unteres Perzentil"),
 "High percentile": ("เปอร์เซ็นไทล์สูง", "Oberes Perzentil"),
 "Gamma": ("แกมมา", "Gamma"),
 "No layer. Open a scene with File > Open.": ("ยังไม่มีชั้นข้อมูล เปิดภาพด้วย ไฟล์ > เปิด", "Keine Ebene. Öffnen Sie eine Szene mit Datei > Öffnen."),
 "Label Classes": ("คลาสป้ายกำกับ", "Klassen"),
 "Annotations": ("คำอธิบายประกอบ", "Annotationen"),
 "Annotation Editor": ("ตัวแก้ไขคำอธิบายประกอบ", "Annotationseditor"),
 "History": ("ประวัติ", "Verlauf"),
 "Annotate": ("ทำเครื่องหมาย", "Annotieren"),
 "Select": ("เลือก", "Auswählen"),
 "Rectangle": ("สี่เหลี่ยม", "Rechteck"),
 "Polygon": ("รูปหลายเหลี่ยม", "Polygon"),
 "Point": ("จุด", "Punkt"),
 "Freehand": ("วาดอิสระ", "Freihand"),
 "Undo": ("เลิกทำ", "Rückgängig"),
 "Redo": ("ทำซ้ำ", "Wiederholen"),
 "Open &Project...": ("เปิด&โปรเจกต์...", "&Projekt öffnen..."),
 "&Save Project": ("&บันทึกโปรเจกต์", "Projekt &speichern"),
 "Save Project &As...": ("บันทึกโปรเจกต์&เป็น...", "Projekt speichern &unter..."),
 "Open Project": ("เปิดโปรเจกต์", "Projekt öffnen"),
 "Save Project": ("บันทึกโปรเจกต์", "Projekt speichern"),
 "Recover Project": ("กู้คืนโปรเจกต์", "Projekt wiederherstellen"),
 "Cannot open the project": ("ไม่สามารถเปิดโปรเจกต์", "Das Projekt kann nicht geöffnet werden"),
 "Cannot save the project": ("ไม่สามารถบันทึกโปรเจกต์", "Das Projekt kann nicht gespeichert werden"),
 "Missing scenes": ("ไม่พบภาพ", "Fehlende Szenen"),
 "Untitled project": ("โปรเจกต์ไม่มีชื่อ", "Unbenanntes Projekt"),
 "Unsaved Changes": ("การเปลี่ยนแปลงที่ยังไม่บันทึก", "Ungespeicherte Änderungen"),
 "Save the changes to the project first?": ("บันทึกการเปลี่ยนแปลงของโปรเจกต์ก่อนหรือไม่?", "Änderungen am Projekt zuerst speichern?"),
 "Saved %1": ("บันทึก %1 แล้ว", "%1 gespeichert"),

 # Chat dock, jobs panel, report dialog (session 2). The quick prompts stay English on purpose:
 # they are the questions sent to the model, which knows English only.
 "Model:": ("โมเดล:", "Modell:"),
 "Add...": ("เพิ่ม...", "Hinzufügen..."),
 "About:": ("เกี่ยวกับ:", "Bezug:"),
 "Current view": ("มุมมองปัจจุบัน", "Aktuelle Ansicht"),
 "Selected annotation": ("คำอธิบายประกอบที่เลือก", "Ausgewählte Annotation"),
 "Drawn box": ("กรอบที่วาด", "Gezeichnetes Rechteck"),
 "Draw box": ("วาดกรอบ", "Rechteck zeichnen"),
 "History": ("ประวัติ", "Verlauf"),
 "Re-run with model": ("ถามใหม่ด้วยโมเดล", "Mit Modell erneut fragen"),
 "Ask a question...": ("ถามคำถาม...", "Eine Frage stellen..."),
 "Ask": ("ถาม", "Fragen"),
 "Stop": ("หยุด", "Stopp"),
 "Show evidence": ("แสดงหลักฐาน", "Belege zeigen"),
 "Hide map": ("ซ่อนแผนที่ความร้อน", "Karte ausblenden"),
 "Chat": ("แชต", "Chat"),
 "No model is chosen.": ("ยังไม่ได้เลือกโมเดล", "Kein Modell ausgewählt."),
 "stopped": ("หยุดแล้ว", "gestoppt"),
 "Evidence": ("หลักฐาน", "Belege"),
 "Add Model Folder": ("เพิ่มโฟลเดอร์โมเดล", "Modellordner hinzufügen"),
 "Fine-tune...": ("ปรับแต่งโมเดล...", "Feinabstimmen..."),
 "Cancel": ("ยกเลิก", "Abbrechen"),
 "Resume": ("ทำต่อ", "Fortsetzen"),
 "Use as active model": ("ใช้เป็นโมเดลหลัก", "Als aktives Modell verwenden"),
 "Curves": ("กราฟ", "Kurven"),
 "Log": ("บันทึก", "Protokoll"),
 "Training jobs": ("งานฝึกโมเดล", "Trainingsaufträge"),
 "Export PNG...": ("ส่งออก PNG...", "PNG exportieren..."),
 "Export PDF...": ("ส่งออก PDF...", "PDF exportieren..."),
 "Export Report": ("ส่งออกรายงาน", "Bericht exportieren"),
 "Export &Report...": ("ส่งออก&รายงาน...", "&Bericht exportieren..."),
 "Title:": ("ชื่อเรื่อง:", "Titel:"),
 "Author:": ("ผู้จัดทำ:", "Autor:"),
 "Paper:": ("กระดาษ:", "Papier:"),
 "Sections": ("ส่วนของรายงาน", "Abschnitte"),
 "Overview maps": ("แผนที่ภาพรวม", "Übersichtskarten"),
 "Questions and answers": ("คำถามและคำตอบ", "Fragen und Antworten"),
 "Annotation table": ("ตารางคำอธิบายประกอบ", "Annotationstabelle"),
 "Models and training": ("โมเดลและการฝึก", "Modelle und Training"),
}

root = Path(__file__).resolve().parent.parent / "translations"
for index, lang in ((0, "th"), (1, "de")):
    path = root / f"satgpt_{lang}.ts"
    tree = ET.parse(path)
    done = 0
    for msg in tree.getroot().iter("message"):
        src = msg.find("source").text
        tr = msg.find("translation")
        if src in T and tr is not None and msg.get("numerus") != "yes":
            tr.text = T[src][index]
            tr.attrib.pop("type", None)
            done += 1
    tree.write(path, encoding="utf-8", xml_declaration=True)
    print(f"{path.name}: {done} translated", file=sys.stderr)
