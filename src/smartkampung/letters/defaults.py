"""The letter types every deployment starts with (a data migration loads them; the administrator edits them
afterwards). Classification codes follow Permendagri 83/2022's archive classification."""

OPERATOR, SECRETARY, HEAD, CAMAT = "village_operator", "village_secretary", "village_head", "camat"
VILLAGE_CHAIN = [(OPERATOR, "verify"), (SECRETARY, "initial"), (HEAD, "sign")]
CAMAT_CHAIN = [*VILLAGE_CHAIN, (CAMAT, "acknowledge")]

_OPENING = (
    "Yang bertanda tangan di bawah ini Kepala {{ village.kind }} {{ village.name }}, Kecamatan {{ district.name }}, "
    "Kabupaten {{ regency.name }}, menerangkan dengan sebenarnya bahwa:"
)
_KTP_KK = [{"code": "ktp", "label": "KTP"}, {"code": "kk", "label": "Kartu Keluarga"}]

LETTER_TYPES = [
    {
        "code": "sktm",
        "name": "Surat Keterangan Tidak Mampu",
        "title": "SURAT KETERANGAN TIDAK MAMPU",
        "classification_code": "400.12",
        "body": _OPENING,
        "closing": (
            "Orang tersebut di atas adalah benar warga {{ village.kind }} {{ village.name }} yang tergolong keluarga "
            "tidak mampu. Surat keterangan ini dibuat untuk keperluan {{ letter.purpose }}.\n\n"
            "Demikian surat keterangan ini dibuat untuk dipergunakan sebagaimana mestinya."
        ),
        "attachments": [*_KTP_KK, {"code": "rt", "label": "Surat pengantar RT/RW"}],
        "validity_days": 90,
        "chain": VILLAGE_CHAIN,
    },
    {
        "code": "domisili",
        "name": "Surat Keterangan Domisili",
        "title": "SURAT KETERANGAN DOMISILI",
        "classification_code": "400.12.2",
        "body": _OPENING,
        "closing": (
            "Orang tersebut di atas benar berdomisili di {{ resident.address }}, "
            "{{ village.kind }} {{ village.name }}, Kecamatan {{ district.name }}. "
            "Surat keterangan ini dibuat untuk keperluan {{ letter.purpose }}.\n\n"
            "Demikian surat keterangan ini dibuat untuk dipergunakan sebagaimana mestinya."
        ),
        "attachments": _KTP_KK,
        "validity_days": 180,
        "chain": VILLAGE_CHAIN,
    },
    {
        "code": "usaha",
        "name": "Surat Keterangan Usaha",
        "title": "SURAT KETERANGAN USAHA",
        "classification_code": "500.2",
        "body": _OPENING,
        "closing": (
            "Orang tersebut di atas benar mempunyai usaha di {{ village.kind }} {{ village.name }}. Surat keterangan "
            "ini dibuat untuk keperluan {{ letter.purpose }}.\n\n"
            "Demikian surat keterangan ini dibuat untuk dipergunakan sebagaimana mestinya."
        ),
        "attachments": [*_KTP_KK, {"code": "usaha", "label": "Foto tempat usaha"}],
        "validity_days": 180,
        "chain": CAMAT_CHAIN,
    },
    {
        "code": "kelahiran",
        "name": "Surat Keterangan Kelahiran",
        "title": "SURAT KETERANGAN KELAHIRAN",
        "classification_code": "400.12.3.1",
        "body": _OPENING,
        "closing": (
            "Orang tersebut di atas benar lahir di {{ resident.birth_place }} pada tanggal {{ resident.birth_date }}, "
            "anak dari keluarga {{ household.head_name }} (KK {{ household.kk_number }}).\n\n"
            "Demikian surat keterangan ini dibuat untuk dipergunakan sebagaimana mestinya."
        ),
        "attachments": [
            {"code": "kk", "label": "Kartu Keluarga"},
            {"code": "bidan", "label": "Surat keterangan bidan"},
        ],
        "validity_days": 30,
        "chain": VILLAGE_CHAIN,
        "needs_purpose": False,
    },
    {
        "code": "kematian",
        "name": "Surat Keterangan Kematian",
        "title": "SURAT KETERANGAN KEMATIAN",
        "classification_code": "400.12.3.2",
        "body": _OPENING,
        "closing": (
            "Orang tersebut di atas telah meninggal dunia, sebagaimana dilaporkan oleh keluarganya. Surat keterangan "
            "ini dibuat untuk keperluan {{ letter.purpose }}.\n\n"
            "Demikian surat keterangan ini dibuat untuk dipergunakan sebagaimana mestinya."
        ),
        "attachments": [{"code": "kk", "label": "Kartu Keluarga"}, {"code": "pelapor", "label": "KTP pelapor"}],
        "validity_days": 30,
        "chain": VILLAGE_CHAIN,
    },
    {
        "code": "skck",
        "name": "Surat Pengantar SKCK",
        "title": "SURAT PENGANTAR SKCK",
        "classification_code": "300.1",
        "body": _OPENING,
        "closing": (
            "Orang tersebut di atas adalah benar warga {{ village.kind }} {{ village.name }} dan sepanjang "
            "pengetahuan kami berkelakuan baik. Surat pengantar ini diberikan untuk mengurus Surat Keterangan "
            "Catatan Kepolisian (SKCK) guna {{ letter.purpose }}.\n\n"
            "Demikian surat pengantar ini dibuat untuk dipergunakan sebagaimana mestinya."
        ),
        "attachments": _KTP_KK,
        "validity_days": 30,
        "chain": CAMAT_CHAIN,
    },
    {
        "code": "belum-menikah",
        "name": "Surat Keterangan Belum Menikah",
        "title": "SURAT KETERANGAN BELUM MENIKAH",
        "classification_code": "400.12.4",
        "body": _OPENING,
        "closing": (
            "Orang tersebut di atas sampai saat ini belum pernah menikah. Surat keterangan ini dibuat untuk "
            "keperluan {{ letter.purpose }}.\n\n"
            "Demikian surat keterangan ini dibuat untuk dipergunakan sebagaimana mestinya."
        ),
        "attachments": _KTP_KK,
        "validity_days": 90,
        "chain": VILLAGE_CHAIN,
    },
]


def load_letter_types(letter_type_model, chain_step_model) -> int:
    """Create the default types that do not exist yet (by code); returns how many were made."""
    made = 0
    for spec in LETTER_TYPES:
        if letter_type_model.objects.filter(code=spec["code"]).exists():
            continue
        letter_type = letter_type_model.objects.create(
            code=spec["code"],
            name=spec["name"],
            title=spec["title"],
            classification_code=spec["classification_code"],
            body_template=spec["body"],
            closing_template=spec["closing"],
            attachments=spec["attachments"],
            validity_days=spec["validity_days"],
            needs_purpose=spec.get("needs_purpose", True),
        )
        for order, (position, action) in enumerate(spec["chain"], start=1):
            chain_step_model.objects.create(letter_type=letter_type, order=order, position=position, action=action)
        made += 1
    return made
