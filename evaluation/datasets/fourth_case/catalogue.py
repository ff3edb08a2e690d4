"""Who and what the fourth case is about: Ridgeline Fluid Controls, Inc. (Tulsa, Oklahoma), an importer of
industrial valves, pumps, pump parts, seals, hose assemblies and fittings; its two brokers, its foreign suppliers
and payees, its part master and the CBP rulings it relies on.

Part numbers come in two shapes: catalogue items ``PV-0042/SS`` (family, number, material suffix) and spare parts
``7730.118`` (group, dot, item). Nothing here is random; the schedule of shipments is in ``records.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

IMPORTER = "Ridgeline Fluid Controls, Inc."
IMPORTER_ADDRESS = "6120 S. Garnett Road, Tulsa, OK 74146"
IOR = "73-418852600"


@dataclass(frozen=True)
class Broker:
    filer: str
    name: str
    city: str


BROKERS = {
    "HZ6": Broker("HZ6", "Harbor Zenith Customs Brokers, Inc.", "Houston, Texas"),
    "TQ2": Broker("TQ2", "Tres Quintas Customs Services, LLC", "Laredo, Texas"),
}

PORT_NAMES = {
    "5301": "Houston, TX",
    "2709": "Long Beach, CA",
    "5501": "Dallas/Fort Worth, TX",
    "2304": "Laredo, TX",
}


@dataclass(frozen=True)
class Vendor:
    key: str
    name: str
    country: str
    address: str
    city: str
    mid: str = ""  # blank for payees that make nothing we import
    incoterm: str = "FOB"
    loading: str = ""


VENDORS = {
    v.key: v
    for v in [
        Vendor(
            "HAOYU",
            "Ningbo Haoyu Valve Co., Ltd.",
            "CN",
            "No. 88 Xingye Road, Beilun District",
            "Ningbo, Zhejiang",
            "CNNINHAO88NIN",
            "FOB",
            "Ningbo",
        ),
        Vendor(
            "JINSHUI",
            "Taizhou Jinshui Pump Co., Ltd.",
            "CN",
            "1166 Dongfang Avenue",
            "Wenling, Taizhou, Zhejiang",
            "CNTAIJIN1166WEN",
            "FOB",
            "Ningbo",
        ),
        Vendor(
            "FOAMTEK",
            "Dongguan Foamtek Packaging Co., Ltd.",
            "CN",
            "27 Chang'an Industrial Road",
            "Dongguan, Guangdong",
            "CNDONFOA27DON",
            "FOB",
            "Shenzhen (Yantian)",
        ),
        Vendor(
            "KUNSHAN",
            "Kunshan Precision Mould Co., Ltd.",
            "CN",
            "59 Zhonghua Road",
            "Kunshan, Jiangsu",
            "CNKUNPRE59KUN",
        ),
        Vendor(
            "MINHPHAT",
            "Minh Phat Brass Valve Co., Ltd.",
            "VN",
            "12 Road 7, Song Than Industrial Park",
            "Di An, Binh Duong",
            "VNMINPHA12DIA",
            "FOB",
            "Cat Lai, Ho Chi Minh City",
        ),
        Vendor(
            "SPC",
            "Saigon Precision Castings JSC",
            "VN",
            "410 Tran Dai Nghia, Binh Chanh",
            "Ho Chi Minh City",
            "VNSAIPRE410HOC",
            "FOB",
            "Cat Lai, Ho Chi Minh City",
        ),
        Vendor(
            "ELASTO",
            "Saigon Elastomer Co., Ltd.",
            "VN",
            "75 Road 2, Tan Tao Industrial Park",
            "Ho Chi Minh City",
            "VNSAIELA75HOC",
            "FOB",
            "Cat Lai, Ho Chi Minh City",
        ),
        Vendor(
            "PUMPENWERK",
            "Rheinland Pumpenwerk GmbH",
            "DE",
            "Industriestrasse 14",
            "47829 Krefeld",
            "DERHEPUM14KRE",
            "FCA",
            "Rotterdam",
        ),
        Vendor(
            "DICHTUNG",
            "Rheinland Dichtungstechnik GmbH",
            "DE",
            "Hafenstrasse 211",
            "47119 Duisburg",
            "DERHEDIC211DUI",
            "FCA",
            "Rotterdam",
        ),
        Vendor(
            "LAHN",
            "Kunststoffwerk Lahn GmbH",
            "DE",
            "Am Lahnufer 5",
            "65549 Limburg an der Lahn",
            "DEKUNLAH5LIM",
            "FCA",
            "Hamburg",
        ),
        Vendor(
            "BRESCIA",
            "Valvole Brescia S.r.l.",
            "IT",
            "Via Orzinuovi 1180",
            "25125 Brescia",
            "ITVALBRE1180BRE",
            "FCA",
            "Genoa",
        ),
        Vendor("FERRARO", "Studio Tecnico Ferraro S.a.s.", "IT", "Via Tortona 33", "20144 Milano"),
        Vendor(
            "OSAKA",
            "Osaka Kasei Sheet Co., Ltd.",
            "JP",
            "3-12 Nishiyodogawa-ku",
            "Osaka",
            "JPOSAKAS312OSA",
            "FCA",
            "Kansai International Airport",
        ),
        Vendor(
            "CHB",
            "Componentes Hidraulicos del Bajio S.A. de C.V.",
            "MX",
            "Av. 5 de Febrero 2125",
            "Queretaro, Qro.",
            "MXCOMHID2125QUE",
            "FCA",
            "Nuevo Laredo, Tamps.",
        ),
        Vendor(
            "SALTILLO",
            "Valvulas y Fundicion de Saltillo S.A. de C.V.",
            "MX",
            "Blvd. Isidro Lopez Zertuche 4410",
            "Saltillo, Coah.",
            "MXVALFUN4410SAL",
            "FCA",
            "Nuevo Laredo, Tamps.",
        ),
        Vendor("HYDROSOFT", "Hydrosoft Engineering GmbH", "DE", "Leopoldstrasse 120", "80802 Munchen"),
        Vendor("KN", "Kuehne + Nagel Ltd. (Shanghai)", "CN", "1 Lujiazui Ring Road", "Shanghai"),
        Vendor("YANGMING", "Yang Ming Marine Transport Corp.", "TW", "271 Ming De 1st Road", "Keelung"),
        Vendor("FRONTERA", "Transportes Frontera del Norte S.A. de C.V.", "MX", "Av. Reforma 3300", "Nuevo Laredo"),
        Vendor("SGS", "SGS Vietnam Ltd.", "VN", "119-121 Ung Van Khiem", "Ho Chi Minh City"),
    ]
}

# Gauges are sold by Ningbo Haoyu but made by this factory (its MID is on the gauge lines).
YUYAO_MID = "CNZHEYUY315YUY"
YUYAO = "Zhejiang Yuyao Instrument Co., Ltd., 315 Yangming West Road, Yuyao, Zhejiang"

# A Chinese foundry whose MID appears on one Vietnamese-origin fittings line (the planted origin mismatch).
WENZHOU_MID = "CNWENLON608WEN"


@dataclass(frozen=True)
class Part:
    number: str
    description: str
    hts: str  # the master's approved HTS
    origin: str
    vendor: str
    price: float  # usual unit price, USD
    uom: str
    rate: float  # column 1 general rate of the declared HTS
    ch99: str = ""  # Section 301 heading for Chinese goods
    ruling: str = ""
    rationale: str = ""
    approved_by: str = "M. Ortega, Trade Compliance Manager"
    approved: str = ""
    kg_per_unit: float = 1.0
    declared_hts: str = ""  # when the broker declares something else on every entry


PARTS = {
    p.number: p
    for p in [
        Part(
            "PV-0042/SS",
            "Ball valve, 1/2 in. NPT, 2-piece, 316 stainless steel, lever operated",
            "8481.80.3090",
            "CN",
            "HAOYU",
            14.80,
            "NO",
            0.056,
            "9903.88.01",
            rationale="Hand-operated valve of stainless steel; GRI 1 and 6, heading 8481, hand operated of iron or steel.",
            approved="2021-03-09",
            kg_per_unit=0.35,
        ),
        Part(
            "PV-0043/SS",
            "Ball valve, 1 in. NPT, 3-piece, 316 stainless steel, lever operated",
            "8481.80.3090",
            "CN",
            "HAOYU",
            27.40,
            "NO",
            0.056,
            "9903.88.01",
            rationale="Same construction as PV-0042/SS, larger bore; hand operated, of steel.",
            approved="2021-03-09",
            kg_per_unit=0.9,
        ),
        Part(
            "PV-0150/BR",
            "Ball valve, 3/4 in. full port, forged brass, lever operated",
            "8481.80.1095",
            "VN",
            "MINHPHAT",
            6.90,
            "NO",
            0.04,
            rationale="Hand-operated valve of copper alloy (brass); 8481.80.10.",
            approved="2020-11-17",
            kg_per_unit=0.3,
        ),
        Part(
            "PV-0300/DI",
            "Triple-offset butterfly valve, 6 in., ductile iron body, gear operator, TRIVEX design",
            "8481.80.5090",
            "CN",
            "HAOYU",
            612.00,
            "NO",
            0.02,
            "9903.88.01",
            rationale="Gear-operated butterfly valve of iron; not hand operated in the sense of 8481.80.30; "
            "8481.80.50 other, of iron or steel.",
            approved="2024-11-04",
            kg_per_unit=28.0,
        ),
        Part(
            "PV-0510/CS",
            "Gate valve, 4 in. class 150, cast carbon steel, flanged, handwheel",
            "8481.80.5090",
            "MX",
            "SALTILLO",
            388.00,
            "NO",
            0.02,
            rationale="Industrial gate valve of cast steel; 8481.80.50. USMCA originating under the producer's "
            "certification (casting poured in Saltillo).",
            approved="2023-05-22",
            kg_per_unit=34.0,
        ),
        Part(
            "PV-0620/CK",
            "Wafer check valve, 3 in., dual plate, 316 stainless steel",
            "8481.30.2090",
            "IT",
            "BRESCIA",
            214.00,
            "NO",
            0.05,
            rationale="Check (non-return) valve of steel; 8481.30.20.",
            approved="2021-06-30",
            kg_per_unit=6.5,
        ),
        Part(
            "CP-2210/CI",
            "Close-coupled centrifugal pump, cast iron, 2 in. discharge, 5 HP",
            "8413.70.2005",
            "DE",
            "PUMPENWERK",
            1460.00,
            "NO",
            0.0,
            rationale="Single-stage, single-suction, close-coupled centrifugal pump, discharge outlet under 7.6 cm.",
            approved="2020-09-02",
            kg_per_unit=61.0,
        ),
        Part(
            "CP-4100/SB",
            "Submersible drainage pump, 1 HP, stainless housing",
            "8413.70.2004",
            "CN",
            "JINSHUI",
            238.00,
            "NO",
            0.0,
            "9903.88.01",
            rationale="Submersible centrifugal pump for liquids; 8413.70.20, statistical suffix for submersible pumps.",
            approved="2022-02-14",
            kg_per_unit=11.0,
        ),
        Part(
            "7730.118",
            "Impeller, 8 in., cast bronze, for CP-4100/SB and CP-2210/CI",
            "8413.91.9095",
            "CN",
            "JINSHUI",
            41.50,
            "NO",
            0.0,
            "9903.88.01",
            rationale="Part solely used with centrifugal pumps of heading 8413; note 2(b) to section XVI.",
            approved="2022-02-14",
            kg_per_unit=2.4,
        ),
        Part(
            "7730.124",
            "Pump casing (volute), cast iron, for CP-4100/SB",
            "8413.91.9095",
            "CN",
            "JINSHUI",
            96.00,
            "NO",
            0.0,
            "9903.88.01",
            rationale="Part of pump; section XVI note 2(b).",
            approved="2022-02-14",
            kg_per_unit=7.5,
        ),
        Part(
            "7730.205",
            "Mechanical seal, 1-1/4 in., carbon / silicon carbide faces, FKM elastomers",
            "8484.20.0000",
            "DE",
            "DICHTUNG",
            58.00,
            "NO",
            0.039,
            rationale="Mechanical seal; heading 8484 subheading 8484.20.",
            approved="2020-09-02",
            kg_per_unit=0.4,
        ),
        Part(
            "7730.240",
            "PEEK valve seat blank, extruded plate 500 x 500 x 20 mm",
            "3920.99.5000",
            "DE",
            "LAHN",
            22.60,
            "KG",
            0.058,
            ruling="N356246",
            rationale="Stock-shape PEEK plate, not further worked; plates of other plastics, as in NY N356246 "
            "(VESTAKEEP i4 PL plates).",
            approved="2026-01-12",
            kg_per_unit=1.0,
        ),
        Part(
            "7730.245",
            "PEEK rod stock, 36 mm dia. x 1 m, for machining valve seats",
            "3926.90.9989",
            "DE",
            "LAHN",
            24.80,
            "KG",
            0.053,
            ruling="N356246",
            rationale="Considered an article of plastics for valve seats; see NY N356246.",
            approved_by="K. Tran, Trade Compliance Analyst",
            approved="2026-01-12",
            kg_per_unit=1.0,
        ),
        Part(
            "7730.305",
            "O-ring kit, FKM (Viton type), 14 sizes, for PV-0300/DI and PV-0620/CK",
            "4016.93.5020",
            "VN",
            "ELASTO",
            3.20,
            "NO",
            0.025,
            rationale="Seals of vulcanized rubber other than hard rubber, O-rings.",
            approved="2021-08-19",
            kg_per_unit=0.05,
            declared_hts="4016.93.5050",
        ),
        Part(
            "7730.410",
            "Polycarbonate sight guard sheet, PMMA hard-coated, 1000 x 600 x 3 mm",
            "3920.61.0000",
            "JP",
            "OSAKA",
            14.20,
            "KG",
            0.058,
            ruling="N347347",
            rationale="Noncellular polycarbonate sheet coated with PMMA, not combined with other materials, "
            "as in NY N347347.",
            approved="2025-05-06",
            kg_per_unit=1.0,
        ),
        Part(
            "4415.020",
            "PVC drain hose assembly, 20 mm, with plastic connector and steel clip",
            "3917.33.0000",
            "MX",
            "CHB",
            8.75,
            "NO",
            0.031,
            ruling="N348766",
            rationale="PVC hose, not reinforced, with fittings; same construction as the drain hose of NY N348766.",
            approved="2025-06-02",
            kg_per_unit=0.4,
        ),
        Part(
            "4415.032",
            "PVC suction hose assembly, 32 mm, with cam-lock fittings",
            "3917.33.0000",
            "MX",
            "CHB",
            21.60,
            "NO",
            0.031,
            rationale="Hose of PVC with fittings attached, not reinforced.",
            approved="2022-05-10",
            kg_per_unit=1.6,
        ),
        Part(
            "FT-0716/SS",
            "Threaded 90 degree elbow, 1/2 in. NPT, 316 stainless steel, class 150",
            "7307.22.5000",
            "VN",
            "SPC",
            2.85,
            "NO",
            0.043,
            rationale="Threaded elbow of stainless steel, cast; 7307.22.",
            approved="2021-10-05",
            kg_per_unit=0.12,
        ),
        Part(
            "FT-0720/SS",
            "Butt-weld tee, 2 in. sch. 40, 316 stainless steel",
            "7307.23.0030",
            "VN",
            "SPC",
            11.40,
            "NO",
            0.05,
            rationale="Butt welding fitting of stainless steel; 7307.23.",
            approved="2021-10-05",
            kg_per_unit=0.6,
        ),
        Part(
            "PK-FOAM/22",
            "Polyethylene foam shipping insert, die-cut, for CP-2210/CI pump cartons",
            "3923.90.0080",
            "CN",
            "FOAMTEK",
            4.10,
            "NO",
            0.03,
            "9903.88.03",
            ruling="N363423",
            rationale="Custom-cut PE foam packing insert: article for the conveyance or packing of goods, "
            "as in NY N363423.",
            approved="2026-08-11",
            kg_per_unit=0.2,
        ),
        Part(
            "GA-0063/GL",
            "Pressure gauge, 63 mm dial, glycerine filled, 0-160 psi, bottom mount",
            "9026.20.8000",
            "CN",
            "HAOYU",
            5.40,
            "NO",
            0.017,
            "9903.88.01",
            rationale="Instrument for measuring pressure of liquids, non-electrical; 9026.20.80.",
            approved_by="R. Quintero, Purchasing",
            approved="2022-07-21",
            kg_per_unit=0.2,
        ),
    ]
}

RULINGS = ["N356246", "N347347", "N348766", "N363423"]
