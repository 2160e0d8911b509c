enum Chinese {
  static let table: [MessageKey: String] = English.table
}
