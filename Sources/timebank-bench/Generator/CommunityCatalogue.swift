import TimeBank

/// The fixed names of the synthetic community: teams and their service categories, party branches,
/// collective cards, the reward catalogue, the office staff and the pool of Chinese names.
///
/// Everything here is a constant, so two runs with the same seed write the same bytes.
enum CommunityCatalogue {
  static let community = "锦绣花园社区"

  /// One team: id, name, kind, and the service categories its records use.
  struct Team {
    let id: TeamID
    let name: String
    let kind: TeamKind
    let categories: [String]
  }

  /// A collective card and, for party-organisation cards, the workplace whose members bank on it.
  struct Card {
    let id: CardID
    let name: String
    let kind: CardKind
    let holder: String
  }

  static let teams: [Team] = [
    team("elder", "助老服务队", .serviceTeam, ["助老", "陪诊"]),
    team("green", "环保志愿队", .serviceTeam, ["环境整治", "垃圾分类"]),
    team("patrol", "平安巡逻队", .serviceTeam, ["治安巡逻", "交通劝导"]),
    team("study", "四点半课堂", .serviceTeam, ["课业辅导", "亲子阅读"]),
    team("clinic", "医疗义诊队", .serviceTeam, ["义诊", "健康讲座"]),
    team("law", "法律援助队", .serviceTeam, ["法律咨询", "调解纠纷"]),
    team("repair", "便民维修队", .serviceTeam, ["家电维修", "水电维修"]),
    team("barber", "义务理发队", .serviceTeam, ["义务理发"]),
    team("care", "心理关爱队", .serviceTeam, ["心理疏导", "探访慰问"]),
    team("disability", "助残服务队", .serviceTeam, ["助残", "陪伴"]),
    team("health", "防疫志愿队", .serviceTeam, ["防疫宣传", "测温登记"]),
    team("neighbour", "邻里互助队", .serviceTeam, ["邻里互助", "代买代办"]),
    team("garden", "绿化养护队", .serviceTeam, ["绿化养护"]),
    team("fire", "消防宣传队", .serviceTeam, ["消防宣传", "安全检查"]),
    team("fraud", "反诈宣传队", .serviceTeam, ["反诈宣传"]),
    team("science", "科普志愿队", .serviceTeam, ["科普讲座"]),
    team("arts", "夕阳红文艺队", .selfOrganised, ["文艺演出", "文化活动"]),
    team("calligraphy", "书法兴趣组", .selfOrganised, ["书法教学"]),
    team("taichi", "太极拳队", .selfOrganised, ["健身指导"]),
    team("dance", "广场舞队", .selfOrganised, ["文艺演出"]),
    team("knitting", "编织互助组", .selfOrganised, ["手工编织"]),
    team("reading", "读书会", .selfOrganised, ["读书分享"]),
    team("photo", "摄影小组", .selfOrganised, ["摄影记录"]),
    team("chess", "棋牌协会", .selfOrganised, ["文化活动"]),
  ]

  static let branches: [(id: BranchID, name: String)] = [
    (BranchID("b1"), "锦绣花园社区第一党支部"), (BranchID("b2"), "锦绣花园社区第二党支部"),
    (BranchID("b3"), "锦绣花园社区第三党支部"), (BranchID("b4"), "锦绣花园社区第四党支部"),
  ]

  /// The workplaces party members check in from (双报到); each has a party-organisation card.
  static let workplaces = [
    "区税务局", "市第一医院", "区教育局", "街道办事处", "区人民法院", "区财政局",
    "市自来水公司", "区卫健委", "区公安分局", "区市场监管局", "区人社局", "区住建局",
  ]

  static let enterprises = ["便民超市", "康宁大药房", "好帮手家政"]

  /// How many courtyards (院落) the community has; each has a collective card.
  static let courtyardCount = 15

  /// 12 party-organisation cards, 3 enterprise cards and 15 courtyard cards, in that order.
  static let cards: [Card] =
    workplaces.enumerated().map { index, unit in
      Card(
        id: CardID("unit\(index + 1)"), name: "\(unit)党组织储蓄卡", kind: .partyOrganisation,
        holder: "\(unit)机关党委")
    }
    + enterprises.enumerated().map { index, name in
      Card(id: CardID("firm\(index + 1)"), name: "\(name)企业卡", kind: .enterprise, holder: name)
    }
    + (1...courtyardCount).map { number in
      Card(
        id: CardID("yard\(number)"), name: "\(number)号院院落集体卡", kind: .courtyard,
        holder: "\(number)号院居民")
    }

  /// Index in `cards` of a workplace's card, an enterprise's card and a courtyard's card.
  static func unitCard(_ workplace: Int) -> Int { workplace }
  static func enterpriseCard(_ enterprise: Int) -> Int { workplaces.count + enterprise }
  static func courtyardCard(_ courtyard: Int) -> Int { workplaces.count + enterprises.count + courtyard }

  /// The reward catalogue: goods (实物) and services (服务), prices in hundredths of a point.
  static let rewards: [RewardListing] = [
    reward("rice", "东北大米5kg", .goods, 800),
    reward("oil", "食用油1.8L", .goods, 600),
    reward("eggs", "鲜鸡蛋一盒", .goods, 300),
    reward("towel", "毛巾", .goods, 200),
    reward("soap", "香皂", .goods, 100),
    reward("detergent", "洗衣液", .goods, 400),
    reward("noodles", "挂面", .goods, 200),
    reward("haircut", "理发服务", .service, 500),
    reward("appliance", "上门家电维修", .service, 800),
    reward("cleaning", "家政保洁1小时", .service, 600),
    reward("pressure", "测量血压", .service, 100),
    reward("knife", "磨刀服务", .service, 100),
  ]

  /// The community office: coordinators for every team, taking turns recording, confirming and
  /// staffing the redemption desk.
  static let admin = ActorID("admin")
  static let coordinators = [ActorID("zhao"), ActorID("qian"), ActorID("sun"), ActorID("li")]
  /// Branch secretaries, one per branch.
  static let secretaries = [ActorID("wang"), ActorID("zhou"), ActorID("wu"), ActorID("zheng")]

  static let surnames = Array(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾")
  static let givenNames = [
    "秀英", "桂兰", "建国", "志强", "丽华", "海燕", "明", "芳", "伟", "军", "玉珍", "国庆", "淑芬",
    "红梅", "德华", "秀兰", "建华", "志刚", "丽娟", "海涛", "敏", "静", "磊", "洋", "玉兰", "国强",
    "淑珍", "红霞", "德明", "桂英", "建平", "志明", "丽萍", "海波", "婷", "雪", "勇", "杰", "玉梅",
    "国华", "淑华", "红英", "德胜", "凤英", "建军", "文静", "春花", "秋菊", "冬梅", "晓东",
  ]

  static let giftMemos = ["赠送给邻居", "赠送给家人", "感谢帮忙照看老人", "互助积分转赠"]
  static let payoutMemos: [CardKind: String] = [
    .partyOrganisation: "单位党组织奖励", .enterprise: "企业爱心积分", .courtyard: "院落集体奖励",
  ]

  private static func team(_ id: String, _ name: String, _ kind: TeamKind, _ categories: [String]) -> Team {
    Team(id: TeamID(id), name: name, kind: kind, categories: categories)
  }

  private static func reward(_ id: String, _ name: String, _ kind: RewardKind, _ price: Int64)
    -> RewardListing
  {
    RewardListing(item: ItemID(id), name: name, kind: kind, price: Points(hundredths: price), stock: 500)
  }
}
