"""Chinese names for the demo county 福田示范区: communities, units, hot spots and people.

The places are real street names of the Futian extract (© OpenStreetMap contributors); the spots
on them and every person are invented.
"""

COUNTY_CODE = "440304"
COUNTY_NAME = "福田示范区"

# Community name → a real street inside it; a derived community takes the name whose street is
# nearest to it.
COMMUNITY_ANCHORS = (
    ("景田社区", "景田南五街"),
    ("香蜜湖社区", "花卉路"),
    ("侨香社区", "侨香三道"),
    ("农科社区", "农林路"),
    ("竹林社区", "竹子林四路"),
    ("红树林社区", "红树林路"),
    ("车公庙社区", "泰然四路"),
    ("天安社区", "科技广场路"),
    ("香梅社区", "香梅路"),
    ("上沙社区", "上沙椰树路"),
    ("下沙社区", "下沙大道"),
    ("沙头社区", "沙嘴路"),
    ("新洲社区", "新洲三街"),
    ("沙尾社区", "沙尾路"),
    ("金地社区", "金地一路"),
)

# (code, name, duties): the county-level bureaus (县直单位).
BUREAUS = (
    ("CGJ", "区城市管理和综合执法局", ("street_vending", "outdoor_ads", "posters")),
    ("JJDD", "区交警大队", ("parking",)),
    ("SCJG", "区市场监督管理局", ("street_vending", "outdoor_ads")),
    ("HWS", "区环境卫生管理所", ("sanitation", "posters")),
    ("ZJJ", "区住房和建设局", ("sanitation", "outdoor_ads")),
    ("SWJ", "区水务局", ("sanitation",)),
    ("STHJ", "区生态环境局", ("sanitation",)),
    ("GAFJ", "区公安分局", ("parking", "street_vending")),
    ("JYJ", "区教育局", ("parking", "posters")),
    ("WJJ", "区卫生健康局", ("sanitation",)),
    ("WGLT", "区文化广电旅游体育局", ("outdoor_ads", "posters")),
    ("SWUJ", "区商务局", ("street_vending", "outdoor_ads")),
    ("GXJ", "区城市更新和土地整备局", ("sanitation", "outdoor_ads")),
)
# Bureaus that take whole main roads (trunk, primary, secondary) in turn, and their assistant.
MAIN_ROAD_LEADS = ("JJDD", "CGJ")
MAIN_ROAD_ASSIST = "HWS"
# Bureaus that take the other named roads in turn.
ROAD_LEADS = ("CGJ", "SCJG", "ZJJ", "SWJ", "STHJ", "GAFJ", "JYJ", "WJJ", "WGLT", "SWUJ", "GXJ")
# Bureaus that help the communities in turn (帮扶单位).
COMMUNITY_ASSISTS = ("CGJ", "SCJG", "HWS", "ZJJ", "WGLT", "SWUJ", "GXJ", "STHJ")

# Invented hot spots on real streets: (name, kind, street[, the street it is nearest to]); without
# the last, the spot sits on a segment of its street drawn by the generator.
SPOTS = (
    ("福田农产品批发市场", "market", "农轩路"),
    ("沙头农贸市场", "market", "沙嘴路"),
    ("上沙菜市场", "market", "上沙椰树路"),
    ("下沙综合市场", "market", "下沙大道"),
    ("景田农贸市场", "market", "景田南五街"),
    ("香蜜湖小学", "school", "香梅路"),
    ("下沙小学", "school", "下沙小学路"),
    ("新洲小学", "school", "新洲三街"),
    ("侨香学校", "school", "侨香三道"),
    ("红岭中学", "school", "红荔西路"),
    ("车公庙地铁站", "hub", "深南大道", "泰然四路"),
    ("香蜜湖路口", "hub", "香蜜湖路"),
    ("福田立交桥下", "hub", "福田立交"),
    ("沙尾步行街", "hub", "沙尾步行街"),
)

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许邓冯韩曹曾彭"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀兰霞平刚桂英华建国志红海燕文斌宇浩鹏"

# The demo's problems and its units' duties are of the five rectifications (五项整治: the category
# table's campaign five_rectifications; tests/demo checks these are the table's), in its order.
FIVE_RECTIFICATIONS = ("posters", "street_vending", "parking", "outdoor_ads", "sanitation")
