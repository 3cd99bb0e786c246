import Vapor
import Fluent
import FluentSQLiteDriver
import FluentPostgresDriver
import Leaf
public enum PlaceholderApp {}
